from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "city", "agency", "display_name")
    search_fields = ("user__username", "display_name", "agency__name")
    list_filter = ("role", "city")
    list_select_related = ("user", "city", "agency")
    raw_id_fields = ("user", "agency")
    filter_horizontal = ("programmes",)
