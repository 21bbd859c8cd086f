/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dialog-usage.c — the usages of a TcSipDialog (RFC 5057): the invite
 * usage and the subscriptions that share the dialog, so that the stack
 * ends the dialog only when the last of them ends.
 */
#include "sip/dialog-private.h"

void
tc_sip_dialog_usage_clear (gpointer data)
{
  TcSipDialogUsage *usage = data;

  g_free (usage->package);
  g_free (usage->id);
}

/* ---- usages (RFC 5057) --------------------------------------------------- */

static gint
find_usage (const TcSipDialog *self, TcSipDialogUsageType type, const char *package, const char *id)
{
  guint i;

  for (i = 0; i < self->usages->len; i++)
    {
      const TcSipDialogUsage *usage = &g_array_index (self->usages, TcSipDialogUsage, i);

      if (usage->type != type)
        continue;
      switch (type)
        {
        case TC_SIP_DIALOG_USAGE_INVITE:
          return i;
        case TC_SIP_DIALOG_USAGE_SUBSCRIBE:
          /* RFC 6665 §8.2.1: package tokens compare case-insensitively,
           * the "id" byte for byte; no id matches no id only */
          if (g_ascii_strcasecmp (usage->package, package) == 0 && g_strcmp0 (usage->id, id) == 0)
            return i;
          break;
        }
    }
  return -1;
}

/**
 * tc_sip_dialog_add_usage:
 * @dialog: a dialog
 * @type: the usage
 * @event_package: (nullable): SUBSCRIBE usages: the event package
 *   ("presence", "refer"); ignored for INVITE
 * @event_id: (nullable): SUBSCRIBE usages: the Event "id" parameter, if any
 *
 * Records a usage of @dialog (RFC 5057 §3): the invite usage (at most one)
 * or a subscription.  Dialogs are created without usages; the stack adds
 * them as INVITE and SUBSCRIBE/REFER transactions succeed.
 *
 * Returns: FALSE when that usage was already recorded
 */
gboolean
tc_sip_dialog_add_usage (TcSipDialog *dialog, TcSipDialogUsageType type, const char *event_package,
                         const char *event_id)
{
  TcSipDialogUsage usage = { type, NULL, NULL };

  g_return_val_if_fail (dialog != NULL, FALSE);
  g_return_val_if_fail (type == TC_SIP_DIALOG_USAGE_INVITE || event_package != NULL, FALSE);

  if (find_usage (dialog, type, event_package, event_id) >= 0)
    return FALSE;
  if (type == TC_SIP_DIALOG_USAGE_SUBSCRIBE)
    {
      usage.package = g_strdup (event_package);
      usage.id = g_strdup (event_id);
    }
  g_array_append_val (dialog->usages, usage);
  return TRUE;
}

/**
 * tc_sip_dialog_remove_usage:
 *
 * Forgets a usage recorded with tc_sip_dialog_add_usage() (the same
 * arguments).  The dialog is not terminated by this, even when it was the
 * last usage: RFC 5057 §5 lets one usage end while others go on, and the
 * stack decides, with tc_sip_dialog_has_usages(), when the dialog ends.
 *
 * Returns: TRUE when the usage was there
 */
gboolean
tc_sip_dialog_remove_usage (TcSipDialog *dialog, TcSipDialogUsageType type, const char *event_package,
                            const char *event_id)
{
  gint i;

  g_return_val_if_fail (dialog != NULL, FALSE);
  g_return_val_if_fail (type == TC_SIP_DIALOG_USAGE_INVITE || event_package != NULL, FALSE);

  i = find_usage (dialog, type, event_package, event_id);
  if (i < 0)
    return FALSE;
  g_array_remove_index (dialog->usages, i);
  return TRUE;
}

gboolean
tc_sip_dialog_has_usage (const TcSipDialog *dialog, TcSipDialogUsageType type, const char *event_package,
                         const char *event_id)
{
  g_return_val_if_fail (dialog != NULL, FALSE);
  g_return_val_if_fail (type == TC_SIP_DIALOG_USAGE_INVITE || event_package != NULL, FALSE);

  return find_usage (dialog, type, event_package, event_id) >= 0;
}

gboolean
tc_sip_dialog_has_usages (const TcSipDialog *dialog)
{
  return dialog->usages->len > 0;
}

guint
tc_sip_dialog_get_n_usages (const TcSipDialog *dialog)
{
  return dialog->usages->len;
}
