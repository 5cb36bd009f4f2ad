"""URLs: runs part of the impact monitor."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
