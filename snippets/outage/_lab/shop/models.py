from django.db import models


class Order(models.Model):
    total = models.IntegerField()
    note = models.TextField(null=True)  # added by migrations/0002_order_note.py
