/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dialog-request.c — requests in a TcSipDialog: the CSeq of the next one,
 * the Request-URI and Route headers from the route set with loose or strict
 * routing (RFC 3261 §12.2.1.1), the ACK for a 2xx (§13.2.2.4) and the next
 * hop to resolve (§8.1.2).  Split from dialog.c, which holds the state.
 */
#include "sip/dialog-private.h"

#include "sip/random.h"
#include "sip/sip-error.h"

/* ---- building requests --------------------------------------------------- */

/**
 * tc_sip_dialog_next_local_seq:
 *
 * Takes the CSeq number of the next request in @dialog (§12.2.1.1): the
 * local sequence number plus one, or, when it is empty (a UAS that has not
 * sent a request yet), a random initial value between 1 and 2**30
 * (§8.1.1.5), leaving room for 2**30 requests.  The number is recorded as
 * the new local sequence number.  Used for every request but ACK and
 * CANCEL, and for the retry of a request after a 401/407 (§22.2).
 *
 * Returns: the number, or 0 when the local sequence number has reached
 * 2**31 - 1 (§8.1.1.5: no higher value is allowed); the dialog cannot
 * send more requests then
 */
guint32
tc_sip_dialog_next_local_seq (TcSipDialog *dialog)
{
  g_return_val_if_fail (dialog != NULL, 0);

  if (dialog->local_seq < 0)
    {
      guint32 random;

      tc_sip_random_bytes (&random, sizeof random);
      dialog->local_seq = 1 + (random & 0x3fffffff);
    }
  else if (dialog->local_seq >= TC_SIP_DIALOG_MAX_CSEQ)
    return 0;
  else
    dialog->local_seq++;
  return (guint32) dialog->local_seq;
}

/* The Request-URI for a strict router (§12.2.1.1): the route URI without
 * the parameters and headers a Request-URI may not carry (§19.1.1 table:
 * "method" and headers).  Rebuilt only when there is something to strip;
 * a password in the URI (NOT RECOMMENDED, §19.1.1) is then dropped. */
static char *
strict_request_uri (const TcSipUri *route, const char *text)
{
  g_autoptr (TcSipUri) stripped = NULL;
  guint i;

  if (tc_sip_uri_get_n_headers (route) == 0 && !tc_sip_uri_has_param (route, "method"))
    return g_strdup (text);
  stripped = tc_sip_uri_new (tc_sip_uri_get_scheme (route), tc_sip_uri_get_user (route, NULL),
                             tc_sip_uri_get_host (route), tc_sip_uri_get_port (route));
  for (i = 0; i < tc_sip_uri_get_n_params (route); i++)
    {
      const char *name, *value;

      tc_sip_uri_get_param_nth (route, i, &name, &value);
      if (g_ascii_strcasecmp (name, "method") != 0)
        tc_sip_uri_set_param (stripped, name, value);
    }
  return tc_sip_uri_to_string (stripped);
}

/* A request in @self with CSeq "@seq @method" (§12.2.1.1). */
static TcSipMessageBuilder *
build_in_dialog (TcSipDialog *self, const char *method, guint32 seq)
{
  g_autoptr (TcSipMessageBuilder) builder = NULL;
  g_autofree char *strict_uri = NULL;
  const TcSipUri *first = self->route_uris->len ? g_ptr_array_index (self->route_uris, 0) : NULL;
  guint i;

  if (!first || tc_sip_uri_get_lr (first))
    {
      /* Loose routing (or no route set): Request-URI = remote target,
       * Route = the route set in order */
      builder = tc_sip_message_builder_new_request (method, self->remote_target_text);
      for (i = 0; i < self->route_texts->len; i++)
        tc_sip_message_builder_add_header_printf (builder, "Route", "<%s>",
                                                  (const char *) g_ptr_array_index (self->route_texts, i));
    }
  else
    {
      /* Strict routing: Request-URI = the first route (stripped), Route =
       * the rest of the route set, then the remote target */
      strict_uri = strict_request_uri (first, g_ptr_array_index (self->route_texts, 0));
      builder = tc_sip_message_builder_new_request (method, strict_uri);
      for (i = 1; i < self->route_texts->len; i++)
        tc_sip_message_builder_add_header_printf (builder, "Route", "<%s>",
                                                  (const char *) g_ptr_array_index (self->route_texts, i));
      tc_sip_message_builder_add_header_printf (builder, "Route", "<%s>", self->remote_target_text);
    }

  /* §8.1.1.6 */
  tc_sip_message_builder_add_header (builder, "Max-Forwards", "70");
  tc_sip_message_builder_add_header_printf (builder, "From", "%s;tag=%s", self->local_name_addr, self->local_tag);
  if (self->remote_tag[0] != '\0')
    tc_sip_message_builder_add_header_printf (builder, "To", "%s;tag=%s", self->remote_name_addr, self->remote_tag);
  else
    tc_sip_message_builder_add_header (builder, "To", self->remote_name_addr);
  tc_sip_message_builder_add_header (builder, "Call-ID", self->call_id);
  tc_sip_message_builder_add_header_printf (builder, "CSeq", "%u %s", seq, method);
  return g_steal_pointer (&builder);
}

/**
 * tc_sip_dialog_build_request:
 * @dialog: an early or confirmed dialog
 * @method: the method, other than ACK and CANCEL
 * @error: return location for a #GError
 *
 * A request in @dialog (§12.2.1.1): To = remote URI with the remote tag,
 * From = local URI with the local tag, the Call-ID, CSeq = the next local
 * sequence number (tc_sip_dialog_next_local_seq(), which this takes),
 * Max-Forwards 70, and the Request-URI and Route headers of the route set:
 *  - loose routing (empty route set, or its first URI has ;lr):
 *    Request-URI = remote target, one Route per route-set URI, in order;
 *  - strict routing (the first URI has no ;lr): Request-URI = the first
 *    URI without "method" and headers, Route = the other URIs and then the
 *    remote target.
 * There is no Via (the transaction layer adds it) and no Contact (the
 * caller adds it to target refresh requests, §12.2.1.1).  Which methods an
 * early dialog allows (a UAS must not send BYE there, §15) is the caller's
 * policy.  ACK for a 2xx: tc_sip_dialog_build_ack(); CANCEL is built from
 * the INVITE (§9.1).
 *
 * Fails with %TC_SIP_ERROR_INVALID_ARGUMENT for ACK, CANCEL or a
 * terminated dialog, and with %TC_SIP_ERROR_LIMIT when the CSeq space is
 * exhausted.
 *
 * Returns: (transfer full) (nullable): the request, for
 * tc_sip_message_builder_end() after adding the Via
 */
TcSipMessageBuilder *
tc_sip_dialog_build_request (TcSipDialog *dialog, const char *method, GError **error)
{
  guint32 seq;

  g_return_val_if_fail (dialog != NULL, NULL);
  g_return_val_if_fail (method != NULL && method[0] != '\0', NULL);

  if (g_ascii_strcasecmp (method, "ACK") == 0 || g_ascii_strcasecmp (method, "CANCEL") == 0)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0,
                        "%s is not built as a new request in a dialog (§13.2.2.4, §9.1)", method);
      return NULL;
    }
  if (dialog->state == TC_SIP_DIALOG_STATE_TERMINATED)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "the dialog is terminated");
      return NULL;
    }
  seq = tc_sip_dialog_next_local_seq (dialog);
  if (seq == 0)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_LIMIT, 0, "the dialog's CSeq numbers are exhausted");
      return NULL;
    }
  return build_in_dialog (dialog, method, seq);
}

/**
 * tc_sip_dialog_build_ack_for_seq:
 * @dialog: the dialog the 2xx confirmed
 * @invite_seq: the CSeq number of the INVITE the 2xx answers
 * @error: return location for a #GError
 *
 * The ACK for a 2xx (§13.2.2.4), built like any request in the dialog
 * (Request-URI, Route, From, To, Call-ID, Max-Forwards) but with CSeq
 * "@invite_seq ACK"; the local sequence number does not change.  Without
 * credentials: see tc_sip_dialog_build_ack().  Works in any state: every
 * 2xx is acknowledged, even on a dialog about to be ended.
 *
 * Returns: (transfer full) (nullable): the ACK, for
 * tc_sip_message_builder_end() after adding the Via (a new branch)
 */
TcSipMessageBuilder *
tc_sip_dialog_build_ack_for_seq (TcSipDialog *dialog, guint32 invite_seq, GError **error)
{
  g_return_val_if_fail (dialog != NULL, NULL);

  if (invite_seq > TC_SIP_DIALOG_MAX_CSEQ)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "CSeq %u is not below 2**31", invite_seq);
      return NULL;
    }
  return build_in_dialog (dialog, "ACK", invite_seq);
}

/**
 * tc_sip_dialog_build_ack:
 * @dialog: the dialog the 2xx confirmed
 * @invite: the INVITE the 2xx answers (initial or re-INVITE), as sent
 * @error: return location for a #GError
 *
 * tc_sip_dialog_build_ack_for_seq() with the CSeq number of @invite, and
 * the Authorization and Proxy-Authorization headers of @invite copied in
 * order (§13.2.2.4: the ACK carries the INVITE's credentials).
 *
 * Fails with %TC_SIP_ERROR_INVALID_ARGUMENT when @invite is not an INVITE
 * of this dialog's Call-ID.
 *
 * Returns: (transfer full) (nullable): the ACK, for
 * tc_sip_message_builder_end() after adding the Via (a new branch)
 */
TcSipMessageBuilder *
tc_sip_dialog_build_ack (TcSipDialog *dialog, TcSipMessage *invite, GError **error)
{
  g_autoptr (TcSipMessageBuilder) builder = NULL;
  const TcSipCSeq *cseq;
  guint i;

  g_return_val_if_fail (dialog != NULL, NULL);
  g_return_val_if_fail (invite != NULL, NULL);

  cseq = tc_sip_message_get_cseq (invite);
  if (!tc_sip_message_is_request (invite) || tc_sip_message_get_method (invite) != TC_SIP_METHOD_INVITE || !cseq ||
      !tc_sip_dialog_call_id_equal (dialog, invite))
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "not an INVITE of this dialog");
      return NULL;
    }
  builder = tc_sip_dialog_build_ack_for_seq (dialog, cseq->seq, error);
  if (!builder)
    return NULL;
  for (i = 0; i < tc_sip_message_get_n_headers (invite); i++)
    {
      const TcSipHeader *header = tc_sip_message_get_header (invite, i);

      if (header->id == TC_SIP_HEADER_AUTHORIZATION || header->id == TC_SIP_HEADER_PROXY_AUTHORIZATION)
        {
          g_autofree char *value = tc_sip_dialog_unfold (header->value);

          tc_sip_message_builder_add_header (builder, tc_sip_header_id_to_name (header->id), value);
        }
    }
  return g_steal_pointer (&builder);
}

/**
 * tc_sip_dialog_get_next_hop:
 *
 * The URI the stack resolves (RFC 3263) to send a request of @dialog
 * (§8.1.2, §12.2.1.1): the first URI of the route set (with loose routing
 * the first Route, with strict routing the Request-URI, which is that URI),
 * or the remote target when the route set is empty.
 *
 * Returns: (transfer none): the URI, borrowed from @dialog
 */
const TcSipUri *
tc_sip_dialog_get_next_hop (const TcSipDialog *dialog)
{
  g_return_val_if_fail (dialog != NULL, NULL);
  if (dialog->route_uris->len > 0)
    return g_ptr_array_index (dialog->route_uris, 0);
  return dialog->remote_target;
}
