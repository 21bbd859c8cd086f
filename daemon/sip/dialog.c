/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dialog.c — TcSipDialog: RFC 3261 §12 dialog state (creation on both
 * sides, matching, remote CSeq checks, target refresh) and the building of
 * in-dialog requests with loose or strict routing (§12.2.1.1) and of the
 * ACK for a 2xx (§13.2.2.4), plus the RFC 5057 usage count.  Pure: no I/O,
 * no timers, no clock.
 */
#include "sip/dialog-private.h"

#include "sip/debug.h"
#include "sip/sip-error.h"

G_DEFINE_BOXED_TYPE (TcSipDialog, tc_sip_dialog, tc_sip_dialog_ref, tc_sip_dialog_unref)

const char *
tc_sip_dialog_state_to_string (TcSipDialogState state)
{
  switch (state)
    {
    case TC_SIP_DIALOG_STATE_EARLY:
      return "early";
    case TC_SIP_DIALOG_STATE_CONFIRMED:
      return "confirmed";
    case TC_SIP_DIALOG_STATE_TERMINATED:
      return "terminated";
    }
  return "invalid";
}

/* The one place the state changes (style.md B5).  The public API never
 * asks for an illegal edge: tc_sip_dialog_confirm() refuses a terminated
 * dialog with an error, so the assertion guards this file only. */
static void
tc_sip_dialog_set_state (TcSipDialog *self, TcSipDialogState new_state)
{
  TcSipDialogState old_state = self->state;

  if (new_state == old_state)
    return;

  tc_debug ("dialog %s;%s;%s: %s -> %s", self->call_id, self->local_tag, self->remote_tag,
            tc_sip_dialog_state_to_string (old_state), tc_sip_dialog_state_to_string (new_state));
#define EDGE(a, b) (old_state == TC_SIP_DIALOG_STATE_##a && new_state == TC_SIP_DIALOG_STATE_##b)
  g_assert (EDGE (EARLY, CONFIRMED) ||  /* a 2xx received (UAC) or sent (UAS) */
            EDGE (EARLY, TERMINATED) || /* a 3xx–6xx ended the early dialog (§12.3) */
            EDGE (CONFIRMED, TERMINATED) /* BYE or the last usage ended (§15) */);
#undef EDGE
  self->state = new_state;
}

/* ---- helpers ------------------------------------------------------------- */

static TcSipDialog *
dialog_alloc (void)
{
  TcSipDialog *self = g_new0 (TcSipDialog, 1);

  self->ref_count = 1;
  self->local_seq = -1;
  self->remote_seq = -1;
  self->route_uris = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_uri_unref);
  self->route_texts = g_ptr_array_new_with_free_func (g_free);
  self->usages = g_array_new (FALSE, TRUE, sizeof (TcSipDialogUsage));
  g_array_set_clear_func (self->usages, tc_sip_dialog_usage_clear);
  return self;
}

/* Folded line breaks (RFC 3261 §7.3.1) become the spaces they stand for. */
char *
tc_sip_dialog_unfold (TcSipStr value)
{
  char *s = value.str ? tc_sip_str_dup (value) : g_strdup ("");
  char *p;

  for (p = s; *p; p++)
    if (*p == '\r' || *p == '\n')
      *p = ' ';
  return s;
}

/* TRUE when the (possibly absent) tag @tag is @expected; an absent tag
 * equals the empty string, which stands for "no tag" in dialog state. */
static gboolean
tag_equal (TcSipStr tag, const char *expected)
{
  if (!tc_sip_str_is_set (tag))
    return expected[0] == '\0';
  return tc_sip_str_equal (tag, expected);
}

/* "[display-name ]<uri>": the URI always in angle brackets, so that URI
 * parameters stay URI parameters when a tag is appended (§20.10). */
static char *
name_addr_text (const TcSipNameAddr *addr)
{
  g_autofree char *uri = tc_sip_str_dup (addr->uri);
  g_autofree char *display = NULL;

  if (!tc_sip_str_is_set (addr->display_name) || addr->display_name.len == 0)
    return g_strdup_printf ("<%s>", uri);
  display = tc_sip_dialog_unfold (addr->display_name);
  return g_strdup_printf ("%s <%s>", display, uri);
}

/* Parses @text, which must be a sip: or sips: URI (routes and targets). */
static TcSipUri *
parse_sip_uri (const char *text, const char *what, GError **error)
{
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (text, -1, error);

  if (!uri)
    {
      g_prefix_error (error, "%s: ", what);
      return NULL;
    }
  if (tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_TEL)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "%s: %s is not a SIP or SIPS URI", what, text);
      return NULL;
    }
  return g_steal_pointer (&uri);
}

static TcSipUri *
parse_name_addr_uri (const TcSipNameAddr *addr, const char *what, GError **error)
{
  g_autofree char *text = tc_sip_str_dup (addr->uri);
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (text, -1, error);

  if (!uri)
    g_prefix_error (error, "%s: ", what);
  return g_steal_pointer (&uri);
}

/* The route set from the Record-Route of @msg: in order (UAS, §12.1.1) or
 * reversed (UAC, §12.1.2), as parsed URIs and as the URI texts received. */
static gboolean
route_set_from_record_route (TcSipMessage *msg, gboolean reverse, GPtrArray **uris_out, GPtrArray **texts_out,
                             GError **error)
{
  guint n = tc_sip_message_get_n_record_routes (msg);
  g_autoptr (GPtrArray) uris = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_uri_unref);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < n; i++)
    {
      const TcSipNameAddr *rr = tc_sip_message_get_record_route (msg, reverse ? n - 1 - i : i);
      g_autofree char *text = tc_sip_str_dup (rr->uri);
      TcSipUri *uri = parse_sip_uri (text, "Record-Route", error);

      if (!uri)
        return FALSE;
      g_ptr_array_add (uris, uri);
      g_ptr_array_add (texts, g_steal_pointer (&text));
    }
  *uris_out = g_steal_pointer (&uris);
  *texts_out = g_steal_pointer (&texts);
  return TRUE;
}

static void
set_route_set (TcSipDialog *self, GPtrArray *uris, GPtrArray *texts)
{
  g_ptr_array_unref (self->route_uris);
  g_ptr_array_unref (self->route_texts);
  self->route_uris = uris;
  self->route_texts = texts;
}

/* The URI of the first Contact of @msg.  FALSE without error when @msg has
 * no Contact. */
static gboolean
target_from_contact (TcSipMessage *msg, TcSipUri **uri_out, char **text_out, GError **error)
{
  const TcSipContact *contact;
  g_autofree char *text = NULL;
  TcSipUri *uri;

  if (tc_sip_message_get_n_contacts (msg) == 0)
    return FALSE;
  contact = tc_sip_message_get_contact (msg, 0);
  if (contact->star)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "Contact: * is not a remote target");
      return FALSE;
    }
  text = tc_sip_str_dup (contact->addr.uri);
  uri = parse_sip_uri (text, "Contact", error);
  if (!uri)
    return FALSE;
  *uri_out = uri;
  *text_out = g_steal_pointer (&text);
  return TRUE;
}

static void
set_remote_target (TcSipDialog *self, TcSipUri *uri, char *text)
{
  g_clear_pointer (&self->remote_target, tc_sip_uri_unref);
  g_free (self->remote_target_text);
  self->remote_target = uri;
  self->remote_target_text = text;
}

static gboolean
method_creates_dialog (TcSipMethod method)
{
  return method == TC_SIP_METHOD_INVITE || method == TC_SIP_METHOD_SUBSCRIBE || method == TC_SIP_METHOD_REFER;
}

/* The transport the request arrived on is its topmost Via's (§18.2.1). */
static gboolean
arrived_over_tls (TcSipMessage *request)
{
  const TcSipVia *via = tc_sip_message_get_n_vias (request) ? tc_sip_message_get_via (request, 0) : NULL;

  return via && (tc_sip_str_equal_ci (via->transport, "TLS") || tc_sip_str_equal_ci (via->transport, "WSS") ||
                 tc_sip_str_equal_ci (via->transport, "TLS-SCTP"));
}

/* ---- creation ------------------------------------------------------------ */

static gboolean
str_same (TcSipStr a, TcSipStr b)
{
  return a.len == b.len && (a.len == 0 || memcmp (a.str, b.str, a.len) == 0);
}

/* §12.1.2 preconditions: @response is a 101–299 response to @request with
 * a To tag (and a Contact when 2xx), @request a dialog-creating request
 * with a From tag. */
static gboolean
check_uac_pair (TcSipMessage *request, TcSipMessage *response, GError **error)
{
  guint status = tc_sip_message_get_status (response);
  const TcSipNameAddr *from = tc_sip_message_get_from (request);
  const TcSipNameAddr *response_from = tc_sip_message_get_from (response);
  const TcSipNameAddr *response_to = tc_sip_message_get_to (response);
  const TcSipCSeq *cseq = tc_sip_message_get_cseq (request);
  const TcSipCSeq *response_cseq = tc_sip_message_get_cseq (response);

  if (!method_creates_dialog (tc_sip_message_get_method (request)))
    {
      TcSipStr method = tc_sip_message_get_method_name (request);

      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "%.*s does not create a dialog", (int) method.len,
                        method.str);
      return FALSE;
    }
  if (status <= 100 || status >= 300)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "a %u response does not create a dialog", status);
      return FALSE;
    }
  if (!from || !tc_sip_message_get_to (request) || !cseq || !tc_sip_str_is_set (from->tag) || from->tag.len == 0)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "the request has no From tag");
      return FALSE;
    }
  if (!response_to || !tc_sip_str_is_set (response_to->tag) || response_to->tag.len == 0)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "the %u response has no To tag", status);
      return FALSE;
    }
  if (!response_from || !response_cseq ||
      !str_same (tc_sip_message_get_call_id (request), tc_sip_message_get_call_id (response)) ||
      !str_same (response_from->tag, from->tag) || response_cseq->seq != cseq->seq)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0,
                        "the response does not answer the request (Call-ID, From tag or CSeq differ)");
      return FALSE;
    }
  if (status >= 200 && tc_sip_message_get_n_contacts (response) == 0)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "the %u response has no Contact", status);
      return FALSE;
    }
  return TRUE;
}

/**
 * tc_sip_dialog_new_uac:
 * @request: the dialog-creating request that was sent (INVITE, SUBSCRIBE or REFER)
 * @response: a 101–199 response with a To tag (early dialog) or a 2xx (confirmed dialog) to @request
 * @secure_transport: @request was sent over TLS (or WSS)
 * @error: return location for a #GError
 *
 * The UAC side of a dialog (RFC 3261 §12.1.2): route set = the Record-Route
 * of @response reversed, remote target = its Contact, local sequence number
 * = the CSeq of @request, remote sequence number empty, Call-ID, local tag
 * (From), remote tag (To of @response), local URI (From), remote URI (To).
 * The dialog is secure when @secure_transport and the Request-URI is sips:.
 *
 * A 1xx without Contact gets the Request-URI of @request as a provisional
 * remote target (the 2xx replaces it, tc_sip_dialog_confirm()).  Each fork
 * of an INVITE (a new To tag) gets its own dialog from this function.
 *
 * Fails with %TC_SIP_ERROR_INVALID_ARGUMENT when @response is not a
 * 101–299 response to @request, has no To tag, or is a 2xx without Contact;
 * or when the Record-Route or Contact URIs are not SIP or SIPS URIs.
 *
 * Returns: (transfer full) (nullable): the dialog, early or confirmed
 */
TcSipDialog *
tc_sip_dialog_new_uac (TcSipMessage *request, TcSipMessage *response, gboolean secure_transport, GError **error)
{
  g_autoptr (TcSipDialog) self = NULL;
  const TcSipNameAddr *from, *to;
  const TcSipCSeq *cseq;
  const TcSipUri *request_uri;
  g_autoptr (GPtrArray) uris = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (TcSipUri) target = NULL;
  g_autofree char *target_text = NULL;
  g_autoptr (GError) local_error = NULL;
  guint status;

  g_return_val_if_fail (request != NULL && tc_sip_message_is_request (request), NULL);
  g_return_val_if_fail (response != NULL && !tc_sip_message_is_request (response), NULL);

  if (!check_uac_pair (request, response, error))
    return NULL;
  status = tc_sip_message_get_status (response);
  from = tc_sip_message_get_from (request);
  to = tc_sip_message_get_to (request);
  cseq = tc_sip_message_get_cseq (request);

  self = dialog_alloc ();
  self->is_uac = TRUE;
  self->state = status < 200 ? TC_SIP_DIALOG_STATE_EARLY : TC_SIP_DIALOG_STATE_CONFIRMED;
  self->call_id = tc_sip_str_dup (tc_sip_message_get_call_id (request));
  self->local_tag = tc_sip_str_dup (from->tag);
  self->remote_tag = tc_sip_str_dup (tc_sip_message_get_to (response)->tag);
  self->local_name_addr = name_addr_text (from);
  self->remote_name_addr = name_addr_text (to);
  self->local_uri = parse_name_addr_uri (from, "From", error);
  if (!self->local_uri)
    return NULL;
  self->remote_uri = parse_name_addr_uri (to, "To", error);
  if (!self->remote_uri)
    return NULL;
  /* §12.1.2: the route set is the Record-Route of the response, reversed */
  if (!route_set_from_record_route (response, TRUE, &uris, &texts, error))
    return NULL;
  set_route_set (self, g_steal_pointer (&uris), g_steal_pointer (&texts));
  if (!target_from_contact (response, &target, &target_text, &local_error))
    {
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      /* A 1xx without Contact: aim in-dialog requests (PRACK, UPDATE) at
       * the Request-URI until the 2xx brings the real target. */
      target_text = tc_sip_str_dup (tc_sip_message_get_request_uri_text (request));
      target = parse_sip_uri (target_text, "Request-URI", error);
      if (!target)
        return NULL;
    }
  set_remote_target (self, g_steal_pointer (&target), g_steal_pointer (&target_text));
  self->local_seq = cseq->seq;
  self->initial_seq = cseq->seq;
  self->initial_method = tc_sip_str_dup (cseq->method);
  request_uri = tc_sip_message_get_request_uri (request);
  self->secure = secure_transport && request_uri && tc_sip_uri_get_scheme (request_uri) == TC_SIP_URI_SCHEME_SIPS;

  tc_debug ("dialog %s;%s;%s: created as UAC, %s", self->call_id, self->local_tag, self->remote_tag,
            tc_sip_dialog_state_to_string (self->state));
  return g_steal_pointer (&self);
}

/**
 * tc_sip_dialog_new_uas:
 * @request: the dialog-creating request received (INVITE, SUBSCRIBE or
 *   REFER, without To tag)
 * @local_tag: the To tag the UAS puts in its responses
 * @error: return location for a #GError
 *
 * The UAS side of a dialog (RFC 3261 §12.1.1), created when the UAS sends
 * a 101–299 response: route set = the Record-Route of @request in order,
 * remote target = its Contact, remote sequence number = its CSeq, local
 * sequence number empty (chosen at the first request, §12.2.1.1), remote
 * tag = its From tag (empty when it has none), local URI (To), remote URI
 * (From).  The dialog is secure when the request arrived over TLS (its
 * topmost Via says TLS, WSS or TLS-SCTP) with a sips: Request-URI.
 *
 * The dialog starts early; tc_sip_dialog_confirm() with the 2xx sent
 * confirms it.
 *
 * Fails with %TC_SIP_ERROR_INVALID_ARGUMENT when @request does not create
 * a dialog, already has a To tag, or has no usable Contact.
 *
 * Returns: (transfer full) (nullable): the early dialog
 */
TcSipDialog *
tc_sip_dialog_new_uas (TcSipMessage *request, const char *local_tag, GError **error)
{
  g_autoptr (TcSipDialog) self = NULL;
  const TcSipNameAddr *from, *to;
  const TcSipCSeq *cseq;
  const TcSipUri *request_uri;
  g_autoptr (GPtrArray) uris = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (TcSipUri) target = NULL;
  g_autofree char *target_text = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (request != NULL && tc_sip_message_is_request (request), NULL);
  g_return_val_if_fail (local_tag != NULL && local_tag[0] != '\0', NULL);

  from = tc_sip_message_get_from (request);
  to = tc_sip_message_get_to (request);
  cseq = tc_sip_message_get_cseq (request);
  if (!method_creates_dialog (tc_sip_message_get_method (request)) || !from || !to || !cseq)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "the request does not create a dialog");
      return NULL;
    }
  if (tc_sip_str_is_set (to->tag))
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "the request has a To tag: it is in a dialog");
      return NULL;
    }

  self = dialog_alloc ();
  self->is_uac = FALSE;
  self->state = TC_SIP_DIALOG_STATE_EARLY;
  self->call_id = tc_sip_str_dup (tc_sip_message_get_call_id (request));
  self->local_tag = g_strdup (local_tag);
  self->remote_tag = tc_sip_str_is_set (from->tag) ? tc_sip_str_dup (from->tag) : g_strdup ("");
  self->local_name_addr = name_addr_text (to);
  self->remote_name_addr = name_addr_text (from);
  self->local_uri = parse_name_addr_uri (to, "To", error);
  if (!self->local_uri)
    return NULL;
  self->remote_uri = parse_name_addr_uri (from, "From", error);
  if (!self->remote_uri)
    return NULL;
  /* §12.1.1: the route set is the Record-Route of the request, in order */
  if (!route_set_from_record_route (request, FALSE, &uris, &texts, error))
    return NULL;
  set_route_set (self, g_steal_pointer (&uris), g_steal_pointer (&texts));
  if (!target_from_contact (request, &target, &target_text, &local_error))
    {
      if (!local_error)
        tc_sip_set_error (&local_error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "the request has no Contact");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  set_remote_target (self, g_steal_pointer (&target), g_steal_pointer (&target_text));
  self->remote_seq = cseq->seq;
  request_uri = tc_sip_message_get_request_uri (request);
  self->secure =
    arrived_over_tls (request) && request_uri && tc_sip_uri_get_scheme (request_uri) == TC_SIP_URI_SCHEME_SIPS;

  tc_debug ("dialog %s;%s;%s: created as UAS, early", self->call_id, self->local_tag, self->remote_tag);
  return g_steal_pointer (&self);
}

TcSipDialog *
tc_sip_dialog_ref (TcSipDialog *dialog)
{
  g_return_val_if_fail (dialog != NULL, NULL);
  g_atomic_int_inc (&dialog->ref_count);
  return dialog;
}

void
tc_sip_dialog_unref (TcSipDialog *dialog)
{
  g_return_if_fail (dialog != NULL);
  if (!g_atomic_int_dec_and_test (&dialog->ref_count))
    return;
  g_free (dialog->call_id);
  g_free (dialog->local_tag);
  g_free (dialog->remote_tag);
  g_free (dialog->local_name_addr);
  g_free (dialog->remote_name_addr);
  g_clear_pointer (&dialog->local_uri, tc_sip_uri_unref);
  g_clear_pointer (&dialog->remote_uri, tc_sip_uri_unref);
  g_clear_pointer (&dialog->remote_target, tc_sip_uri_unref);
  g_free (dialog->remote_target_text);
  g_ptr_array_unref (dialog->route_uris);
  g_ptr_array_unref (dialog->route_texts);
  g_free (dialog->initial_method);
  g_array_unref (dialog->usages);
  g_free (dialog);
}

/* ---- getters ------------------------------------------------------------- */

TcSipDialogState
tc_sip_dialog_get_state (const TcSipDialog *dialog)
{
  return dialog->state;
}

/* TRUE for the side that sent the dialog-creating request. */
gboolean
tc_sip_dialog_is_uac (const TcSipDialog *dialog)
{
  return dialog->is_uac;
}

/* The §12.1 secure flag: requests in the dialog go over TLS to sips: URIs. */
gboolean
tc_sip_dialog_is_secure (const TcSipDialog *dialog)
{
  return dialog->secure;
}

const char *
tc_sip_dialog_get_call_id (const TcSipDialog *dialog)
{
  return dialog->call_id;
}

const char *
tc_sip_dialog_get_local_tag (const TcSipDialog *dialog)
{
  return dialog->local_tag;
}

/**
 * tc_sip_dialog_get_remote_tag:
 *
 * Returns: the remote tag; the empty string when the peer sent none (an
 * RFC 2543 UAC, §12.1.1).  Never NULL.
 */
const char *
tc_sip_dialog_get_remote_tag (const TcSipDialog *dialog)
{
  return dialog->remote_tag;
}

const TcSipUri *
tc_sip_dialog_get_local_uri (const TcSipDialog *dialog)
{
  return dialog->local_uri;
}

const TcSipUri *
tc_sip_dialog_get_remote_uri (const TcSipDialog *dialog)
{
  return dialog->remote_uri;
}

/**
 * tc_sip_dialog_get_local_name_addr:
 *
 * Returns: the local party as it goes in From (UAC) or To (UAS) headers:
 * display name (if any) and URI in angle brackets, without tag
 */
const char *
tc_sip_dialog_get_local_name_addr (const TcSipDialog *dialog)
{
  return dialog->local_name_addr;
}

const char *
tc_sip_dialog_get_remote_name_addr (const TcSipDialog *dialog)
{
  return dialog->remote_name_addr;
}

const TcSipUri *
tc_sip_dialog_get_remote_target (const TcSipDialog *dialog)
{
  return dialog->remote_target;
}

guint
tc_sip_dialog_get_n_routes (const TcSipDialog *dialog)
{
  return dialog->route_uris->len;
}

/* The @i-th URI of the route set, in the order requests visit them. */
const TcSipUri *
tc_sip_dialog_get_route (const TcSipDialog *dialog, guint i)
{
  g_return_val_if_fail (i < dialog->route_uris->len, NULL);
  return g_ptr_array_index (dialog->route_uris, i);
}

/* The local sequence number, or -1 when empty (a UAS that sent nothing). */
gint64
tc_sip_dialog_get_local_seq (const TcSipDialog *dialog)
{
  return dialog->local_seq;
}

/* The remote sequence number, or -1 when empty (a UAC that received no
 * request in the dialog). */
gint64
tc_sip_dialog_get_remote_seq (const TcSipDialog *dialog)
{
  return dialog->remote_seq;
}

/* ---- dialog ids ---------------------------------------------------------- */

/**
 * tc_sip_dialog_id_key:
 * @call_id: the Call-ID
 * @local_tag: the local tag
 * @remote_tag: (nullable): the remote tag; NULL or "" when none
 *
 * The dialog id (§12) as a string for a #GHashTable with g_str_hash() and
 * g_str_equal(): "LOCALTAG;REMOTETAG;CALLID".  Tags are tokens, which
 * cannot hold ';', so the key is unambiguous; all parts compare byte for
 * byte (Call-IDs are case-sensitive, §20.8).
 *
 * Returns: (transfer full): the key
 */
char *
tc_sip_dialog_id_key (const char *call_id, const char *local_tag, const char *remote_tag)
{
  g_return_val_if_fail (call_id != NULL && local_tag != NULL, NULL);
  return g_strconcat (local_tag, ";", remote_tag ? remote_tag : "", ";", call_id, NULL);
}

/* The key of @dialog (tc_sip_dialog_id_key()). */
char *
tc_sip_dialog_get_id (const TcSipDialog *dialog)
{
  return tc_sip_dialog_id_key (dialog->call_id, dialog->local_tag, dialog->remote_tag);
}

/**
 * tc_sip_dialog_id_from_message:
 * @message: a request or response
 * @from_is_local: TRUE when the From tag is ours: a request we send or a
 *   response we receive (UAC perspective of the transaction); FALSE when the
 *   To tag is ours: a request we receive or a response we send (UAS)
 *
 * The key (tc_sip_dialog_id_key()) of the dialog @message belongs to, for
 * the hash-table lookup of §12.2.2 (requests) and §12.2.1.2 (responses).
 *
 * Returns: (transfer full) (nullable): the key, or NULL when the local tag
 * is missing (not an in-dialog message)
 */
char *
tc_sip_dialog_id_from_message (TcSipMessage *message, gboolean from_is_local)
{
  const TcSipNameAddr *from, *to, *local, *remote;
  TcSipStr call_id;
  g_autofree char *call_id_text = NULL, *local_tag = NULL, *remote_tag = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  from = tc_sip_message_get_from (message);
  to = tc_sip_message_get_to (message);
  call_id = tc_sip_message_get_call_id (message);
  if (!from || !to || !tc_sip_str_is_set (call_id))
    return NULL;
  local = from_is_local ? from : to;
  remote = from_is_local ? to : from;
  if (!tc_sip_str_is_set (local->tag) || local->tag.len == 0)
    return NULL;
  call_id_text = tc_sip_str_dup (call_id);
  local_tag = tc_sip_str_dup (local->tag);
  remote_tag = tc_sip_str_dup (remote->tag);
  return tc_sip_dialog_id_key (call_id_text, local_tag, remote_tag);
}

/* ---- matching ------------------------------------------------------------ */

gboolean
tc_sip_dialog_call_id_equal (const TcSipDialog *self, TcSipMessage *msg)
{
  return tc_sip_str_equal (tc_sip_message_get_call_id (msg), self->call_id);
}

/**
 * tc_sip_dialog_matches_request:
 *
 * Returns: TRUE when @request, received, belongs to @dialog (§12.2.2):
 * same Call-ID, To tag = local tag, From tag = remote tag
 */
gboolean
tc_sip_dialog_matches_request (const TcSipDialog *dialog, TcSipMessage *request)
{
  const TcSipNameAddr *from, *to;

  g_return_val_if_fail (dialog != NULL && request != NULL, FALSE);

  if (!tc_sip_message_is_request (request))
    return FALSE;
  from = tc_sip_message_get_from (request);
  to = tc_sip_message_get_to (request);
  return from && to && tc_sip_dialog_call_id_equal (dialog, request) && tc_sip_str_is_set (to->tag) &&
         tag_equal (to->tag, dialog->local_tag) && tag_equal (from->tag, dialog->remote_tag);
}

/**
 * tc_sip_dialog_matches_response:
 *
 * Returns: TRUE when @response, received, answers a request sent in
 * @dialog: same Call-ID, From tag = local tag, To tag = remote tag
 */
gboolean
tc_sip_dialog_matches_response (const TcSipDialog *dialog, TcSipMessage *response)
{
  const TcSipNameAddr *from, *to;

  g_return_val_if_fail (dialog != NULL && response != NULL, FALSE);

  if (tc_sip_message_is_request (response))
    return FALSE;
  from = tc_sip_message_get_from (response);
  to = tc_sip_message_get_to (response);
  return from && to && tc_sip_dialog_call_id_equal (dialog, response) && tc_sip_str_is_set (from->tag) &&
         tag_equal (from->tag, dialog->local_tag) && tag_equal (to->tag, dialog->remote_tag);
}

/**
 * tc_sip_dialog_is_other_fork:
 * @dialog: a UAC dialog
 * @response: a response received
 *
 * Forking (§13.2.2.4, §19.3): whether @response answers the request that
 * created @dialog (same Call-ID, local tag, CSeq number and method) but
 * comes from another UAS (a different, present To tag).  Such a 1xx or 2xx
 * makes its own dialog with tc_sip_dialog_new_uac().
 *
 * Returns: TRUE for a response of another fork
 */
gboolean
tc_sip_dialog_is_other_fork (const TcSipDialog *dialog, TcSipMessage *response)
{
  const TcSipNameAddr *from, *to;
  const TcSipCSeq *cseq;

  g_return_val_if_fail (dialog != NULL && response != NULL, FALSE);

  if (!dialog->is_uac || tc_sip_message_is_request (response))
    return FALSE;
  from = tc_sip_message_get_from (response);
  to = tc_sip_message_get_to (response);
  cseq = tc_sip_message_get_cseq (response);
  return from && to && cseq && tc_sip_dialog_call_id_equal (dialog, response) && tc_sip_str_is_set (from->tag) &&
         tag_equal (from->tag, dialog->local_tag) && cseq->seq == dialog->initial_seq &&
         tc_sip_str_equal (cseq->method, dialog->initial_method) && tc_sip_str_is_set (to->tag) && to->tag.len > 0 &&
         !tc_sip_str_equal (to->tag, dialog->remote_tag);
}

/* ---- updates ------------------------------------------------------------- */

/**
 * tc_sip_dialog_confirm:
 * @dialog: an early (or already confirmed) dialog
 * @response: UAC: the 2xx received; UAS: the 2xx sent
 * @error: return location for a #GError
 *
 * Moves @dialog to confirmed.  On the UAC side (§13.2.2.4, §12.1.2) the
 * route set is recomputed from the Record-Route of the 2xx (reversed),
 * replacing the one of the early dialog, and the remote target becomes the
 * 2xx's Contact.  On the UAS side nothing but the state changes.  A 2xx to
 * an already confirmed dialog (a retransmission) changes nothing.
 *
 * Fails with %TC_SIP_ERROR_INVALID_ARGUMENT, changing nothing, when
 * @response is not a 2xx of this dialog, a UAC 2xx has no usable Contact,
 * or @dialog is terminated.
 *
 * Returns: TRUE when @dialog is confirmed
 */
gboolean
tc_sip_dialog_confirm (TcSipDialog *dialog, TcSipMessage *response, GError **error)
{
  guint status;
  gboolean ours;

  g_return_val_if_fail (dialog != NULL, FALSE);
  g_return_val_if_fail (response != NULL && !tc_sip_message_is_request (response), FALSE);

  status = tc_sip_message_get_status (response);
  if (status < 200 || status >= 300)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "a %u response does not confirm a dialog", status);
      return FALSE;
    }
  if (dialog->is_uac)
    ours = tc_sip_dialog_matches_response (dialog, response);
  else
    {
      /* The UAS's own response: To carries the local tag, From the remote */
      const TcSipNameAddr *from = tc_sip_message_get_from (response);
      const TcSipNameAddr *to = tc_sip_message_get_to (response);

      ours = from && to && tc_sip_dialog_call_id_equal (dialog, response) && tc_sip_str_is_set (to->tag) &&
             tag_equal (to->tag, dialog->local_tag) && tag_equal (from->tag, dialog->remote_tag);
    }
  if (!ours)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "the %u response is not of this dialog", status);
      return FALSE;
    }
  switch (dialog->state)
    {
    case TC_SIP_DIALOG_STATE_EARLY:
      break;
    case TC_SIP_DIALOG_STATE_CONFIRMED:
      return TRUE; /* a retransmission: §13.2.2.4 recomputes once */
    case TC_SIP_DIALOG_STATE_TERMINATED:
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "the dialog is terminated");
      return FALSE;
    }

  if (dialog->is_uac)
    {
      g_autoptr (GPtrArray) uris = NULL;
      g_autoptr (GPtrArray) texts = NULL;
      g_autoptr (TcSipUri) target = NULL;
      g_autofree char *target_text = NULL;
      g_autoptr (GError) local_error = NULL;

      /* Both from the 2xx or neither: the early dialog's route set and
       * target are replaced only once both parsed */
      if (!route_set_from_record_route (response, TRUE, &uris, &texts, error))
        return FALSE;
      if (!target_from_contact (response, &target, &target_text, &local_error))
        {
          if (!local_error)
            tc_sip_set_error (&local_error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "the 2xx has no Contact");
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      set_route_set (dialog, g_steal_pointer (&uris), g_steal_pointer (&texts));
      set_remote_target (dialog, g_steal_pointer (&target), g_steal_pointer (&target_text));
    }
  tc_sip_dialog_set_state (dialog, TC_SIP_DIALOG_STATE_CONFIRMED);
  return TRUE;
}

/**
 * tc_sip_dialog_terminate:
 *
 * Moves @dialog to terminated (§12.3, §15).  A dialog that has usages
 * left (RFC 5057) is the stack's to keep or end: this function does not
 * look at them.
 */
void
tc_sip_dialog_terminate (TcSipDialog *dialog)
{
  g_return_if_fail (dialog != NULL);
  tc_sip_dialog_set_state (dialog, TC_SIP_DIALOG_STATE_TERMINATED);
}

/**
 * tc_sip_method_is_target_refresh:
 *
 * Returns: TRUE for the target refresh requests: INVITE (re-INVITE,
 * §12.2), UPDATE (RFC 3311 §5.1), SUBSCRIBE and NOTIFY (RFC 6665 §4.1.2.2,
 * §4.2.1.1) and REFER (RFC 6665 §4 via RFC 3515)
 */
gboolean
tc_sip_method_is_target_refresh (TcSipMethod method)
{
  return method == TC_SIP_METHOD_INVITE || method == TC_SIP_METHOD_UPDATE || method == TC_SIP_METHOD_SUBSCRIBE ||
         method == TC_SIP_METHOD_NOTIFY || method == TC_SIP_METHOD_REFER;
}

/**
 * tc_sip_dialog_update_remote_target:
 * @dialog: a dialog
 * @message: a target refresh request received in @dialog, or a 2xx to one
 *   sent in it
 *
 * Target refresh (§12.2.1.2, §12.2.2): the remote target becomes the URI of
 * the first Contact of @message.  A 1xx–6xx other than 2xx, a message
 * without Contact or with a Contact that is not a SIP or SIPS URI leaves it
 * unchanged.  The caller decides which methods refresh
 * (tc_sip_method_is_target_refresh()).
 *
 * Returns: TRUE when the remote target was taken from @message
 */
gboolean
tc_sip_dialog_update_remote_target (TcSipDialog *dialog, TcSipMessage *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipUri) target = NULL;
  g_autofree char *target_text = NULL;
  guint status;

  g_return_val_if_fail (dialog != NULL && message != NULL, FALSE);

  if (!tc_sip_message_is_request (message))
    {
      status = tc_sip_message_get_status (message);
      if (status < 200 || status >= 300)
        return FALSE;
    }
  if (!target_from_contact (message, &target, &target_text, &error))
    {
      if (error)
        tc_debug ("dialog %s;%s;%s: remote target not refreshed: %s", dialog->call_id, dialog->local_tag,
                  dialog->remote_tag, error->message);
      return FALSE;
    }
  set_remote_target (dialog, g_steal_pointer (&target), g_steal_pointer (&target_text));
  return TRUE;
}

/**
 * tc_sip_dialog_receive_request:
 * @dialog: the dialog @request matched
 * @request: a request received in @dialog
 *
 * The remote CSeq check of §12.2.2: a request whose CSeq number is lower
 * than or equal to the remote sequence number is out of order, and the
 * stack answers it with 500; otherwise the number is recorded.  An empty
 * remote sequence number (a UAC that received nothing yet) accepts any.
 * ACK and CANCEL carry the CSeq number of the request they refer to: they
 * are accepted and not recorded.
 *
 * Returns: FALSE when @request is out of order
 */
gboolean
tc_sip_dialog_receive_request (TcSipDialog *dialog, TcSipMessage *request)
{
  const TcSipCSeq *cseq;
  TcSipMethod method;

  g_return_val_if_fail (dialog != NULL && request != NULL && tc_sip_message_is_request (request), FALSE);

  method = tc_sip_message_get_method (request);
  if (method == TC_SIP_METHOD_ACK || method == TC_SIP_METHOD_CANCEL)
    return TRUE;
  cseq = tc_sip_message_get_cseq (request);
  if (!cseq)
    return FALSE;
  if (dialog->remote_seq >= 0 && (gint64) cseq->seq <= dialog->remote_seq)
    {
      tc_debug ("dialog %s;%s;%s: CSeq %u not above %" G_GINT64_FORMAT ": out of order", dialog->call_id,
                dialog->local_tag, dialog->remote_tag, cseq->seq, dialog->remote_seq);
      return FALSE;
    }
  dialog->remote_seq = cseq->seq;
  return TRUE;
}
