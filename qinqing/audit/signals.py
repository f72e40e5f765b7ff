"""Every change to a stored record becomes an audit event: which record, which fields, never the values.

Bulk imports write set-based and are recorded once per run by the importer; these handlers cover every
save and delete made through the ORM (admin, services, commands), and sign-ins.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save

from qinqing.audit import services
from qinqing.audit.context import current_actor

AUDITED_APPS = {"accounts", "core", "registry", "service", "procurement", "supervision", "risk"}
# Fields whose change is routine bookkeeping, not a change of the record.
IGNORED_FIELDS = {"last_login"}


def _audited(sender) -> bool:
    return sender._meta.app_label in AUDITED_APPS and not sender._meta.auto_created


def _remember_old(sender, instance, raw=False, **kwargs) -> None:
    if raw or not _audited(sender) or instance._state.adding or instance.pk is None:
        return
    try:
        old = sender._default_manager.filter(pk=instance.pk).values(*[f.attname for f in sender._meta.concrete_fields])
        instance._audit_old = old.first()
    except Exception:
        instance._audit_old = None


def _on_save(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    if raw or not _audited(sender):
        return
    old = getattr(instance, "_audit_old", None)
    fields = [f.attname for f in sender._meta.concrete_fields]
    if created or old is None:
        changed = sorted(fields)
    else:
        changed = sorted(f for f in fields if old.get(f) != getattr(instance, f))
    changed = [f for f in changed if f not in IGNORED_FIELDS and f != "password"] + (
        ["password"] if old and old.get("password") != getattr(instance, "password", None) else [])
    if not created and not changed:
        return
    services.record(action="create" if created else "update", actor=current_actor(),
                    object_type=sender._meta.label_lower, object_id=str(instance.pk),
                    detail={"fields": changed})


def _on_delete(sender, instance, **kwargs) -> None:
    if _audited(sender):
        services.record(action="delete", actor=current_actor(), object_type=sender._meta.label_lower,
                        object_id=str(instance.pk))


def _on_login(sender, request, user, **kwargs) -> None:
    services.record(action="login", actor=user, object_type="accounts.user", object_id=str(user.pk))


def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        services.record(action="logout", actor=user, object_type="accounts.user", object_id=str(user.pk))


def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The attempted user name is personal data (and often a mistyped password): it is not kept.
    services.record(action="login_failed", object_type="accounts.user")


def connect() -> None:
    for model in apps.get_models():
        if _audited(model):
            pre_save.connect(_remember_old, sender=model, dispatch_uid=f"audit-pre-{model._meta.label}")
            post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
            post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}")
    user_logged_in.connect(_on_login, dispatch_uid="audit-login")
    user_logged_out.connect(_on_logout, dispatch_uid="audit-logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="audit-login-failed")
