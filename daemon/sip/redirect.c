/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * redirect.c — TcSipRedirect: the 3xx target set of a UAC (RFC 3261
 * §8.1.3.4), ordered by q, with loop detection and a limit.  Pure: no I/O.
 */
#include "sip/redirect.h"

#include "sip/debug.h"
#include "sip/sip-error.h"

typedef struct {
  TcSipUri *uri;
  gint q; /* x 1000 */
} Target;

struct _TcSipRedirect {
  gboolean sips_only; /* the original was sips: (§8.1.3.4) */
  gboolean allow_tel;
  guint max_targets;
  GPtrArray *tried;                      /* TcSipUri: the original (if any), then every target handed out */
  guint n_tried;                         /* targets handed out */
  GArray *pending;                       /* Target, q descending, stable */
  TcSipRedirectOutcome response_outcome; /* what the last response left */
  TcSipRedirectOutcome outcome;          /* what the last next() said */
  guint last_status;
};

const char *
tc_sip_redirect_outcome_to_string (TcSipRedirectOutcome outcome)
{
  switch (outcome)
    {
    case TC_SIP_REDIRECT_TARGET:
      return "target";
    case TC_SIP_REDIRECT_EXHAUSTED:
      return "exhausted";
    case TC_SIP_REDIRECT_LIMIT:
      return "limit";
    case TC_SIP_REDIRECT_LOOP:
      return "loop";
    case TC_SIP_REDIRECT_NOT_FOLLOWED:
      return "not-followed";
    }
  return "invalid";
}

static void
target_clear (gpointer data)
{
  Target *target = data;

  g_clear_pointer (&target->uri, tc_sip_uri_unref);
}

/**
 * tc_sip_redirect_new:
 * @request_uri: (nullable): the Request-URI of the original request; it
 *   counts as tried, so a 3xx pointing back at it is a loop
 * @max_targets: the most targets tc_sip_redirect_next() hands out; 0 for
 *   %TC_SIP_REDIRECT_DEFAULT_MAX_TARGETS
 *
 * Returns: (transfer full): a redirect with no target yet
 */
TcSipRedirect *
tc_sip_redirect_new (const TcSipUri *request_uri, guint max_targets)
{
  TcSipRedirect *redirect = g_new0 (TcSipRedirect, 1);

  redirect->max_targets = max_targets ? max_targets : TC_SIP_REDIRECT_DEFAULT_MAX_TARGETS;
  redirect->tried = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_uri_unref);
  redirect->pending = g_array_new (FALSE, TRUE, sizeof (Target));
  g_array_set_clear_func (redirect->pending, target_clear);
  redirect->response_outcome = TC_SIP_REDIRECT_EXHAUSTED;
  redirect->outcome = TC_SIP_REDIRECT_EXHAUSTED;
  if (request_uri)
    {
      g_ptr_array_add (redirect->tried, tc_sip_uri_copy (request_uri));
      redirect->sips_only = tc_sip_uri_get_scheme (request_uri) == TC_SIP_URI_SCHEME_SIPS;
    }
  return redirect;
}

void
tc_sip_redirect_free (TcSipRedirect *redirect)
{
  if (!redirect)
    return;
  g_ptr_array_unref (redirect->tried);
  g_array_unref (redirect->pending);
  g_free (redirect);
}

/* Whether tel: Contacts are kept (FALSE by default; see redirect.h). */
void
tc_sip_redirect_set_allow_tel (TcSipRedirect *redirect, gboolean allow)
{
  g_return_if_fail (redirect != NULL);
  redirect->allow_tel = allow;
}

static gboolean
scheme_allowed (const TcSipRedirect *self, const TcSipUri *uri)
{
  switch (tc_sip_uri_get_scheme (uri))
    {
    case TC_SIP_URI_SCHEME_SIP:
      return !self->sips_only;
    case TC_SIP_URI_SCHEME_SIPS:
      return TRUE;
    case TC_SIP_URI_SCHEME_TEL:
      return self->allow_tel && !self->sips_only;
    }
  return FALSE;
}

static gboolean
already_known (const TcSipRedirect *self, const TcSipUri *uri)
{
  guint i;

  for (i = 0; i < self->tried->len; i++)
    if (tc_sip_uri_equal (g_ptr_array_index (self->tried, i), uri))
      return TRUE;
  for (i = 0; i < self->pending->len; i++)
    if (tc_sip_uri_equal (g_array_index (self->pending, Target, i).uri, uri))
      return TRUE;
  return FALSE;
}

/* Inserts after every pending target of equal or higher q: q descending,
 * arrival order among equals. */
static void
queue_target (TcSipRedirect *self, TcSipUri *uri, gint q)
{
  Target target = { uri, q };
  guint i = self->pending->len;

  while (i > 0 && g_array_index (self->pending, Target, i - 1).q < q)
    i--;
  g_array_insert_val (self->pending, i, target);
}

/* What next() will say, before the limit: a target, or why there is none. */
static TcSipRedirectOutcome
outcome_of_queue (const TcSipRedirect *self, guint n_known)
{
  if (self->pending->len > 0)
    return TC_SIP_REDIRECT_TARGET;
  return n_known > 0 ? TC_SIP_REDIRECT_LOOP : TC_SIP_REDIRECT_EXHAUSTED;
}

/**
 * tc_sip_redirect_add_response:
 * @redirect: a redirect
 * @response: the response to the original request or to a redirected one
 *
 * Adds the Contacts of a 3xx (other than 305 and 380) to the target set,
 * by q, dropping those already tried or queued (loops), those of a scheme
 * not kept (redirect.h), those with expires=0 and those that do not parse.
 *
 * Returns: what tc_sip_redirect_next() will report (%TC_SIP_REDIRECT_TARGET
 * when a target is queued, before the limit is checked)
 */
TcSipRedirectOutcome
tc_sip_redirect_add_response (TcSipRedirect *redirect, TcSipMessage *response)
{
  guint status, i, n_known = 0;

  g_return_val_if_fail (redirect != NULL, TC_SIP_REDIRECT_NOT_FOLLOWED);
  g_return_val_if_fail (response != NULL && !tc_sip_message_is_request (response), TC_SIP_REDIRECT_NOT_FOLLOWED);

  status = tc_sip_message_get_status (response);
  redirect->last_status = status;
  if (status < 300 || status >= 400 || status == 305 || status == 380)
    {
      tc_debug ("redirect: a %u response is not followed", status);
      redirect->response_outcome = TC_SIP_REDIRECT_NOT_FOLLOWED;
      return redirect->response_outcome;
    }

  for (i = 0; i < tc_sip_message_get_n_contacts (response); i++)
    {
      const TcSipContact *contact = tc_sip_message_get_contact (response, i);
      g_autoptr (TcSipUri) uri = NULL;

      if (contact->star || contact->expires == 0)
        continue;
      uri = tc_sip_uri_parse (contact->addr.uri.str, contact->addr.uri.len, NULL);
      if (!uri || !scheme_allowed (redirect, uri))
        {
          tc_debug ("redirect: Contact %.*s dropped (scheme)", (int) contact->addr.uri.len, contact->addr.uri.str);
          continue;
        }
      if (already_known (redirect, uri))
        {
          tc_debug ("redirect: Contact %.*s already tried or queued", (int) contact->addr.uri.len,
                    contact->addr.uri.str);
          n_known++;
          continue;
        }
      queue_target (redirect, g_steal_pointer (&uri), contact->q < 0 ? 1000 : contact->q);
    }
  redirect->response_outcome = outcome_of_queue (redirect, n_known);
  return redirect->response_outcome;
}

/**
 * tc_sip_redirect_next:
 * @redirect: a redirect
 * @error: return location for a #GError
 *
 * The next target to send the request to (a new transaction with a higher
 * CSeq, §8.1.3.4), recorded as tried.  When there is none, the reason is
 * tc_sip_redirect_get_outcome() and @error says it:
 * %TC_SIP_ERROR_REDIRECT_LOOP for a loop or the limit,
 * %TC_SIP_ERROR_NO_TARGET when exhausted or not followed (305, 380), with
 * the status of the last response.
 *
 * Returns: (transfer none) (nullable): the target, valid as long as
 * @redirect
 */
const TcSipUri *
tc_sip_redirect_next (TcSipRedirect *redirect, GError **error)
{
  TcSipUri *uri;

  g_return_val_if_fail (redirect != NULL, NULL);

  if (redirect->response_outcome == TC_SIP_REDIRECT_NOT_FOLLOWED)
    redirect->outcome = TC_SIP_REDIRECT_NOT_FOLLOWED;
  else if (redirect->pending->len == 0)
    redirect->outcome =
      redirect->response_outcome == TC_SIP_REDIRECT_LOOP ? TC_SIP_REDIRECT_LOOP : TC_SIP_REDIRECT_EXHAUSTED;
  else if (redirect->n_tried >= redirect->max_targets)
    redirect->outcome = TC_SIP_REDIRECT_LIMIT;
  else
    redirect->outcome = TC_SIP_REDIRECT_TARGET;

  switch (redirect->outcome)
    {
    case TC_SIP_REDIRECT_TARGET:
      break;
    case TC_SIP_REDIRECT_EXHAUSTED:
      tc_sip_set_error (error, TC_SIP_ERROR_NO_TARGET, redirect->last_status, "no redirect target left to try");
      return NULL;
    case TC_SIP_REDIRECT_LIMIT:
      tc_sip_set_error (error, TC_SIP_ERROR_REDIRECT_LOOP, redirect->last_status,
                        "%u redirect targets tried: the limit", redirect->n_tried);
      return NULL;
    case TC_SIP_REDIRECT_LOOP:
      tc_sip_set_error (error, TC_SIP_ERROR_REDIRECT_LOOP, redirect->last_status,
                        "the redirect points at URIs already tried");
      return NULL;
    case TC_SIP_REDIRECT_NOT_FOLLOWED:
      tc_sip_set_error (error, TC_SIP_ERROR_NO_TARGET, redirect->last_status,
                        "a %u response is not followed automatically", redirect->last_status);
      return NULL;
    }

  uri = g_steal_pointer (&g_array_index (redirect->pending, Target, 0).uri);
  g_array_remove_index (redirect->pending, 0);
  g_ptr_array_add (redirect->tried, uri);
  redirect->n_tried++;
  return uri;
}

/* Why the last tc_sip_redirect_next() returned what it did. */
TcSipRedirectOutcome
tc_sip_redirect_get_outcome (const TcSipRedirect *redirect)
{
  g_return_val_if_fail (redirect != NULL, TC_SIP_REDIRECT_EXHAUSTED);
  return redirect->outcome;
}

guint
tc_sip_redirect_get_n_tried (const TcSipRedirect *redirect)
{
  g_return_val_if_fail (redirect != NULL, 0);
  return redirect->n_tried;
}

guint
tc_sip_redirect_get_n_pending (const TcSipRedirect *redirect)
{
  g_return_val_if_fail (redirect != NULL, 0);
  return redirect->pending->len;
}
