from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        # ALTER TABLE ... ADD COLUMN: needs ACCESS EXCLUSIVE on shop_order, if only for a moment.
        migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),
    ]
