from django.urls import path, re_path

from . import deletion_views, views

app_name = "programmes"

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("programmes/<slug:slug>/indicators/", views.programme_indicators, name="programme_indicators"),
    path("programmes/<slug:slug>/tasks/", views.programme_tasks, name="programme_tasks"),
    path("programmes/<slug:slug>/matrix/", views.programme_matrix, name="programme_matrix"),
    path("programmes/<slug:slug>/funding/", views.programme_funding, name="programme_funding"),
    path("programmes/<slug:slug>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<slug:slug>/<str:kind>/add/", views.plan_object_edit, name="plan_object_add"),
    path("programmes/<slug:slug>/<str:kind>/<int:pk>/edit/", views.plan_object_edit, name="plan_object_edit"),
    path(
        "programmes/<slug:slug>/<str:kind>/<int:pk>/delete/",
        deletion_views.plan_object_delete_view,
        name="plan_object_delete",
    ),
    # only the two actions: a wider pattern would shadow other rooms' programme URLs
    re_path(
        r"^programmes/(?P<slug>[-\w]+)/(?P<kind>[a-z_]+)/(?P<pk>[0-9]+)/(?P<action>archive|restore)/$",
        deletion_views.plan_object_archive_view,
        name="plan_object_archive",
    ),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/add/", views.agency_edit, name="agency_add"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("agencies/<int:pk>/delete/", deletion_views.agency_delete_view, name="agency_delete"),
    re_path(
        r"^agencies/(?P<pk>[0-9]+)/(?P<action>archive|restore)/$",
        deletion_views.agency_archive_view,
        name="agency_archive",
    ),
]
