from django.urls import path

from . import views

app_name = "planimport"

urlpatterns = [
    path("imports/", views.import_start, name="start"),
    path("imports/<int:pk>/", views.import_review, name="review"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="confirm"),
    path("imports/<int:pk>/discard/", views.import_discard, name="discard"),
    path("imports/<int:pk>/<str:kind>/add/", views.import_item_edit, name="item_add"),
    path("imports/<int:pk>/<str:kind>/<str:item_id>/edit/", views.import_item_edit, name="item_edit"),
    path("imports/<int:pk>/<str:kind>/<str:item_id>/delete/", views.import_item_delete, name="item_delete"),
    path("programmes/<slug:slug>/reimport/", views.programme_reimport, name="programme_reimport"),
]
