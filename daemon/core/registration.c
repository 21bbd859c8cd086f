/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registration.c — TcRegistration: one binding of one address of record at
 * a registrar (RFC 3261 §10.2), refreshed before it expires, retried with
 * back-off (RFC 5626 §4.5), kept over the flow it was made on (RFC 5626
 * §3.5's idea, without reg-id), with Service-Route (RFC 3608) and GRUUs
 * (RFC 5627) read from the 2xx.  See registration.h for the states.
 *
 * Every REGISTER of the object uses one Call-ID and From tag with a CSeq
 * that only grows (RFC 3261 §10.2: "the same Call-ID for all registrations
 * during a single boot cycle"; §10.3 step 7 makes the registrar drop an
 * older or repeated CSeq, so a late retransmission of an abandoned
 * REGISTER cannot undo a newer one).
 */
#include "core/registration.h"

#include "core/registration-private.h"
#include "core/registration-window.h"

#include "sip/builder.h"
#include "sip/clock.h"
#include "sip/debug.h"
#include "sip/route.h"
#include "sip/sip-error.h"
#include "sip/transport.h"

/* The stack may still retry an abandoned REGISTER (a digest challenge, a
 * redirect), each try with CSeq + 1; the next REGISTER skips past them. */
#define ABANDONED_CSEQ_GAP 32

struct _TcRegistration {
  GObject parent_instance;

  TcSipStack *stack; /* NULL once disposed */
  TcSipClock *clock;

  /* Configuration. */
  char *aor;
  char *address;         /* From and To: name-addr with the display name */
  GRefString *registrar; /* interned: thousands of accounts share one registrar */
  char *contact_user;
  char *instance_id;
  char *allow_events;
  TcSipRouteSet *base_route_set; /* outbound proxy, or NULL */
  TcSipDigestCache *credentials;
  GArray *extra_headers; /* TcHeaderPair; NULL for none (the usual case) */
  gint64 retry_base_us;
  gint64 retry_max_us;

  /* RFC 3261 §10.2.4: the same Call-ID (and From) for every REGISTER,
   * CSeq growing. */
  char *from;    /* with its tag; NULL before the first REGISTER */
  char *call_id; /* NULL before the first REGISTER */
  guint32 cseq;  /* the highest used so far */

  TcRegistrationState state;
  TcSipRequest *request;    /* the REGISTER in flight, or NULL */
  gboolean request_removes; /* ... and it removes our binding */
  guint expires;            /* asked for: the config's, raised by 423 */
  gboolean got_423;         /* in the current attempt (RFC 3261 §10.2.8) */
  char *sent_contact;       /* the Contact of the last REGISTER that went out */

  /* A final response the stack gave while tc_sip_stack_send_request() had
   * not returned yet (a fixed flow that fails at once). */
  gboolean sending;
  TcSipRequest *early_request;
  TcSipMessage *early_response;
  GError *early_error;

  guint timer; /* the refresh (registered) or the retry (error) */
  gint64 next_attempt;
  guint n_failures;        /* consecutive, for the back-off */
  gint64 retry_delay_us;   /* for the timer armed on entering "error" */
  gint64 refresh_delay_us; /* for the timer armed on entering "registered" */

  /* The grants of the last successful REGISTER. */
  TcSipRouteSet *route_set; /* outbound proxy + Service-Route, or the base */
  GRefString *pub_gruu;     /* the endpoint keeps a reference, not a copy */
  char *temp_gruu;
  char *contact;
  guint granted;
  TcSipFlow *flow; /* of the last successful REGISTER; held when reliable */
  gulong flow_closed_id;

  const TcRegistrationObserver *observer; /* NULL once forgotten */
  gpointer observer_data;

  /* The window of registrations in progress, or NULL (registration-window.h).
   * While the ticket waits, what start_register() was asked: the state
   * change it will announce once the REGISTER goes. */
  TcRegistrationWindow *window;
  TcRegistrationTicket ticket;
  guint waiting_status;
  char *waiting_reason;
  const char *waiting_cause; /* static */
};

G_DEFINE_FINAL_TYPE (TcRegistration, tc_registration, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS,
};

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_STATE_CHANGED,
  SIGNAL_CONNECTION_LOST,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void start_register (TcRegistration *self, guint status, const char *reason, const char *cause);

/* ---- small helpers -------------------------------------------------------- */

static void
cancel_timer (TcRegistration *self)
{
  tc_sip_clock_clear_timer (self->clock, &self->timer);
  self->next_attempt = 0;
}

/* ---- the flow ------------------------------------------------------------- */

static void on_flow_closed (TcSipFlow *flow, const GError *cause, gpointer user_data);

/* Lets go of the flow; with @close, closes it too (when reliable), so
 * that the next REGISTER opens a new connection. */
static void
drop_flow (TcRegistration *self, gboolean close)
{
  g_autoptr (TcSipFlow) flow = g_steal_pointer (&self->flow);

  if (!flow)
    return;
  if (self->flow_closed_id)
    {
      g_clear_signal_handler (&self->flow_closed_id, flow);
      tc_sip_flow_release (flow);
    }
  if (close && tc_sip_flow_is_reliable (flow) && !tc_sip_flow_is_closed (flow))
    tc_sip_flow_close (flow);
}

/* Keeps @flow, the flow of a successful REGISTER: held open over TCP, TLS
 * and WS, so that the registrar reaches us over it and we hear when it
 * fails; UDP flows are only remembered. */
static void
keep_flow (TcRegistration *self, TcSipFlow *flow)
{
  if (flow == self->flow)
    return;
  drop_flow (self, FALSE);
  if (!flow)
    return;
  self->flow = g_object_ref (flow);
  if (tc_registration_flow_is_usable (flow))
    {
      tc_sip_flow_hold (flow);
      self->flow_closed_id = g_signal_connect (flow, "closed", G_CALLBACK (on_flow_closed), self);
    }
}

/* ---- grants ----------------------------------------------------------------- */

static void
clear_grants (TcRegistration *self)
{
  g_clear_pointer (&self->pub_gruu, g_ref_string_release);
  g_clear_pointer (&self->temp_gruu, g_free);
  g_clear_pointer (&self->contact, g_free);
  self->granted = 0;
  g_clear_pointer (&self->route_set, tc_sip_route_set_unref);
  if (self->base_route_set)
    self->route_set = tc_sip_route_set_ref (self->base_route_set);
}

/* ---- timers ----------------------------------------------------------------- */

static void
on_timer (gpointer user_data)
{
  TcRegistration *self = TC_REGISTRATION (user_data);

  self->timer = 0;
  self->next_attempt = 0;
  switch (self->state)
    {
    case TC_REGISTRATION_STATE_REGISTERED:
      tc_debug ("registration %s: refreshing the binding", self->aor);
      start_register (self, 0, "", NULL);
      break;
    case TC_REGISTRATION_STATE_ERROR:
      tc_debug ("registration %s: retrying", self->aor);
      start_register (self, 0, "", NULL);
      break;
    case TC_REGISTRATION_STATE_UNREGISTERED:
    case TC_REGISTRATION_STATE_REGISTERING:
    case TC_REGISTRATION_STATE_UNREGISTERING:
    case TC_REGISTRATION_STATE_REJECTED:
      break;
    }
}

static void
arm_timer (TcRegistration *self, gint64 delay_us)
{
  cancel_timer (self);
  self->next_attempt = tc_sip_clock_now (self->clock) + delay_us;
  self->timer = tc_sip_clock_add_timer (self->clock, delay_us, on_timer, self);
}

/* ---- the window ------------------------------------------------------------------ */

static void
leave_window (TcRegistration *self)
{
  if (self->window)
    tc_registration_window_leave (self->window, &self->ticket);
  g_clear_pointer (&self->waiting_reason, g_free);
}

static void
on_window_slot (gpointer user_data)
{
  g_autoptr (TcRegistration) self = g_object_ref (user_data);
  g_autofree char *reason = g_steal_pointer (&self->waiting_reason);

  tc_debug ("registration %s: its turn in the window", self->aor);
  start_register (self, self->waiting_status, reason ? reason : "", self->waiting_cause);
}

/* TRUE when a REGISTER may go now; FALSE when it waits for a slot, and
 * start_register() is called again with the same arguments then. */
static gboolean
enter_window (TcRegistration *self, guint status, const char *reason, const char *cause)
{
  if (!self->window || tc_registration_window_enter (self->window, &self->ticket, on_window_slot, self))
    return TRUE;
  self->waiting_status = status;
  if (reason != self->waiting_reason)
    {
      g_free (self->waiting_reason);
      self->waiting_reason = g_strdup (reason);
    }
  self->waiting_cause = cause;
  return FALSE;
}

/* ---- the state machine -------------------------------------------------------- */

/* The one place the state changes (style.md B5). */
static void
enter_state (TcRegistration *self, TcRegistrationState new_state, guint status, const char *reason,
             TcSipMessage *message, const char *cause)
{
  g_autoptr (TcRegistration) hold = g_object_ref (self);
  TcRegistrationState old_state = self->state;

  if (new_state == old_state)
    return;

  tc_debug ("registration %s: %s -> %s (%u %s%s%s)", self->aor, tc_registration_state_to_string (old_state),
            tc_registration_state_to_string (new_state), status, reason ? reason : "", cause ? ", " : "",
            cause ? cause : "");
#define EDGE(a, b) (old_state == TC_REGISTRATION_STATE_##a && new_state == TC_REGISTRATION_STATE_##b)
  g_assert (/* register(), a refresh, a retry, a lost connection, a network change */
            EDGE (UNREGISTERED, REGISTERING) || EDGE (REJECTED, REGISTERING) || EDGE (ERROR, REGISTERING) ||
            EDGE (REGISTERED, REGISTERING) ||
            /* the REGISTER's outcome */
            EDGE (REGISTERING, REGISTERED) || EDGE (REGISTERING, ERROR) || EDGE (REGISTERING, REJECTED) ||
            /* unregister() with a binding, or one maybe being made */
            EDGE (REGISTERING, UNREGISTERING) || EDGE (REGISTERED, UNREGISTERING) ||
            /* the removal's outcome, whatever it is */
            EDGE (UNREGISTERING, UNREGISTERED) ||
            /* unregister() without a binding */
            EDGE (ERROR, UNREGISTERED) || EDGE (REJECTED, UNREGISTERED));
#undef EDGE
  self->state = new_state;
  /* The slot is for the REGISTER in progress. */
  if (new_state != TC_REGISTRATION_STATE_REGISTERING)
    leave_window (self);

  switch (new_state)
    {
    case TC_REGISTRATION_STATE_UNREGISTERED:
    case TC_REGISTRATION_STATE_REJECTED:
      cancel_timer (self);
      drop_flow (self, FALSE);
      clear_grants (self);
      self->n_failures = 0;
      break;
    case TC_REGISTRATION_STATE_REGISTERING:
    case TC_REGISTRATION_STATE_UNREGISTERING:
      cancel_timer (self);
      break;
    case TC_REGISTRATION_STATE_REGISTERED:
      self->n_failures = 0;
      arm_timer (self, self->refresh_delay_us);
      break;
    case TC_REGISTRATION_STATE_ERROR:
      drop_flow (self, FALSE);
      clear_grants (self);
      self->n_failures++;
      arm_timer (self, self->retry_delay_us);
      break;
    }

  if (self->observer && self->observer->state_changed)
    self->observer->state_changed (self, old_state, status, reason ? reason : "", message, cause, self->observer_data);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, (int) old_state, status, reason ? reason : "", message, cause);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

/* ---- sending ------------------------------------------------------------------- */

/* What the stack did with @request: its CSeq (raised by digest retries)
 * and the Contact it carried. */
static void
note_sent (TcRegistration *self, TcSipRequest *request, gboolean removes)
{
  TcSipMessage *message = tc_sip_request_get_message (request);
  const TcSipCSeq *cseq = message ? tc_sip_message_get_cseq (message) : NULL;

  if (cseq && cseq->seq > self->cseq)
    self->cseq = cseq->seq;
  if (message && !removes)
    {
      TcSipStr contact = tc_sip_message_get_header_value (message, "Contact");

      if (contact.str)
        {
          g_free (self->sent_contact);
          self->sent_contact = tc_sip_str_dup (contact);
        }
    }
}

static void
clear_early_final (TcRegistration *self)
{
  g_clear_pointer (&self->early_request, tc_sip_request_unref);
  g_clear_pointer (&self->early_response, tc_sip_message_unref);
  g_clear_error (&self->early_error);
}

/* Stops the REGISTER in flight: no handler of it runs any more. */
static void
abandon_request (TcRegistration *self)
{
  g_autoptr (TcSipRequest) request = g_steal_pointer (&self->request);

  clear_early_final (self);
  if (!request)
    return;
  note_sent (self, request, self->request_removes);
  if (!tc_sip_request_is_finished (request))
    self->cseq += ABANDONED_CSEQ_GAP;
  tc_sip_request_abandon (request);
}

static void handle_final (TcRegistration *self, TcSipRequest *request, TcSipMessage *response, const GError *error);

static void
on_request_final (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *error,
                  gpointer user_data)
{
  TcRegistration *self = TC_REGISTRATION (user_data);

  if (self->sending)
    {
      /* tc_sip_stack_send_request() has not returned yet: handled when it has. */
      clear_early_final (self);
      self->early_request = tc_sip_request_ref (request);
      self->early_response = response ? tc_sip_message_ref (response) : NULL;
      self->early_error = error ? g_error_copy (error) : NULL;
      return;
    }
  handle_final (self, request, response, error);
}

/* The outcome of a REGISTER that ended inside tc_sip_stack_send_request(). */
static void
flush_early_final (TcRegistration *self)
{
  g_autoptr (TcSipRequest) request = g_steal_pointer (&self->early_request);
  g_autoptr (TcSipMessage) response = g_steal_pointer (&self->early_response);
  g_autoptr (GError) error = g_steal_pointer (&self->early_error);

  if (request && request == self->request)
    handle_final (self, request, response, error);
}

static TcSipMessageBuilder *
build_register (TcRegistration *self, gboolean removes, GError **error)
{
  g_autoptr (TcSipMessageBuilder) builder = NULL;
  g_autofree char *cseq = NULL;

  builder = tc_sip_stack_new_request (self->stack, "REGISTER", self->registrar, self->address, self->address, error);
  if (!builder)
    return NULL;
  if (!self->call_id)
    {
      self->from = tc_sip_message_builder_get_header (builder, "From");
      self->call_id = tc_sip_message_builder_get_header (builder, "Call-ID");
    }
  else
    {
      tc_sip_message_builder_set_header (builder, "From", self->from);
      tc_sip_message_builder_set_header (builder, "Call-ID", self->call_id);
    }
  self->cseq++;
  cseq = g_strdup_printf ("%u REGISTER", self->cseq);
  tc_sip_message_builder_set_header (builder, "CSeq", cseq);
  if (removes && self->sent_contact)
    {
      /* Exactly the binding we made, whatever transport this one takes. */
      tc_sip_message_builder_add_header_printf (builder, "Contact", "%s;expires=0", self->sent_contact);
    }
  tc_sip_message_builder_add_header_printf (builder, "Expires", "%u", removes ? 0 : self->expires);
  /* RFC 3327 §5 (Path), RFC 5627 §4.1 (GRUU).  No "outbound": we send no reg-id. */
  tc_sip_message_builder_add_header (builder, "Supported", TC_SIP_OPTION_TAG_PATH ", gruu");
  if (self->allow_events)
    tc_sip_message_builder_add_header (builder, "Allow-Events", self->allow_events);
  for (guint i = 0; self->extra_headers && i < self->extra_headers->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (self->extra_headers, TcHeaderPair, i);

      tc_sip_message_builder_add_header (builder, pair->name, pair->value);
    }
  return g_steal_pointer (&builder);
}

/* Sends a REGISTER (@removes: the removal of our binding).  FALSE with
 * @error when it cannot be built. */
static gboolean
issue (TcRegistration *self, gboolean removes, GError **error)
{
  static const TcSipRequestHandlers handlers = { .final = on_request_final };
  g_autofree char *contact_params = NULL;
  TcSipMessageBuilder *builder;
  TcSipRequestOptions options;
  TcSipRequest *request;

  g_assert (self->request == NULL);
  builder = build_register (self, removes, error);
  if (!builder)
    return FALSE;

  /* Made for each REGISTER rather than kept: the stack copies it. */
  if (self->instance_id)
    contact_params = g_strdup_printf (";+sip.instance=\"<%s>\"%s", self->instance_id, removes ? ";expires=0" : "");
  else if (removes)
    contact_params = g_strdup (";expires=0");
  tc_sip_request_options_init (&options);
  options.route_set = self->base_route_set;
  options.credentials = self->credentials;
  options.contact_user = self->contact_user;
  /* For a removal, used only when we never sent a Contact (build_register). */
  options.contact_params = contact_params;
  /* A binding over a connection is refreshed over that connection. */
  if (tc_registration_flow_is_usable (self->flow))
    options.flow = self->flow;

  self->sending = TRUE;
  request = tc_sip_stack_send_request (self->stack, NULL, builder, &options, &handlers, self, error);
  self->sending = FALSE;
  if (!request)
    {
      clear_early_final (self);
      return FALSE;
    }
  self->request = request;
  self->request_removes = removes;
  return TRUE;
}

/* A new REGISTER attempt (first, refresh, retry or renewal), replacing
 * any in flight; the state becomes "registering". */
static void
start_register (TcRegistration *self, guint status, const char *reason, const char *cause)
{
  g_autoptr (GError) error = NULL;

  cancel_timer (self);
  if (!enter_window (self, status, reason, cause))
    {
      tc_debug ("registration %s: waiting for a slot in the window", self->aor);
      return;
    }
  abandon_request (self);
  self->got_423 = FALSE;
  if (!issue (self, FALSE, &error))
    {
      tc_debug ("registration %s: cannot send REGISTER: %s", self->aor, error->message);
      enter_state (self, TC_REGISTRATION_STATE_REGISTERING, status, reason, NULL, cause);
      enter_state (self, TC_REGISTRATION_STATE_REJECTED, 500, error->message, NULL, "invalid-request");
      return;
    }
  enter_state (self, TC_REGISTRATION_STATE_REGISTERING, status, reason, NULL, cause);
  flush_early_final (self);
}

/* ---- outcomes -------------------------------------------------------------------- */

static void
fail (TcRegistration *self, guint status, const char *reason, TcSipMessage *response, const char *cause)
{
  TcSipRetryAfter retry_after;

  if (response && tc_sip_message_get_retry_after (response, &retry_after) && retry_after.seconds > 0)
    self->retry_delay_us = (gint64) retry_after.seconds * G_TIME_SPAN_SECOND;
  else
    self->retry_delay_us = tc_registration_backoff_delay (self->retry_base_us, self->retry_max_us, self->n_failures);
  tc_debug ("registration %s: next try in %" G_GINT64_FORMAT " ms", self->aor, self->retry_delay_us / 1000);
  enter_state (self, TC_REGISTRATION_STATE_ERROR, status, reason, response, cause);
}

static void
accept_2xx (TcRegistration *self, TcSipRequest *request, TcSipMessage *response, const char *reason)
{
  const TcSipContact *ours =
    tc_registration_find_contact (self->instance_id, tc_sip_request_get_message (request), response);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipRouteSet) route_set = NULL;
  gint64 granted = -1;

  if (ours)
    granted = ours->expires >= 0 ? ours->expires : tc_sip_message_get_expires (response);
  if (ours && granted < 0)
    granted = self->expires; /* neither said: what we asked for */
  if (!ours || granted <= 0)
    {
      tc_debug ("registration %s: the %u does not bind our Contact", self->aor, tc_sip_message_get_status (response));
      fail (self, tc_sip_message_get_status (response), reason, response, "no-binding");
      return;
    }

  clear_grants (self);
  self->granted = (guint) MIN (granted, G_MAXUINT32 / 2);
  self->contact = tc_sip_str_dup (ours->addr.uri);
  if (tc_sip_str_is_set (ours->pub_gruu))
    {
      g_autofree char *pub_gruu = tc_sip_unquote (ours->pub_gruu);

      self->pub_gruu = g_ref_string_new (pub_gruu);
    }
  self->temp_gruu = tc_sip_str_is_set (ours->temp_gruu) ? tc_sip_unquote (ours->temp_gruu) : NULL;
  route_set = tc_sip_route_set_from_service_route (self->base_route_set, response, &error);
  if (route_set)
    {
      g_clear_pointer (&self->route_set, tc_sip_route_set_unref);
      self->route_set = g_steal_pointer (&route_set);
    }
  else
    tc_debug ("registration %s: Service-Route ignored: %s", self->aor, error->message);
  keep_flow (self, tc_sip_request_get_flow (request));
  self->refresh_delay_us = tc_registration_refresh_delay (self->granted);
  tc_debug ("registration %s: bound for %u s, refresh in %" G_GINT64_FORMAT " ms", self->aor, self->granted,
            self->refresh_delay_us / 1000);
  enter_state (self, TC_REGISTRATION_STATE_REGISTERED, tc_sip_message_get_status (response), reason, response, NULL);
}

/* RFC 3261 §10.2.8: once per attempt, again at once with Min-Expires. */
static gboolean
retry_423 (TcRegistration *self, TcSipMessage *response)
{
  gint64 min_expires = tc_sip_message_get_min_expires (response);
  g_autoptr (GError) error = NULL;

  if (self->got_423 || min_expires <= self->expires || min_expires > G_MAXUINT32 / 2)
    return FALSE;
  tc_debug ("registration %s: 423, asking for %" G_GINT64_FORMAT " s", self->aor, min_expires);
  self->got_423 = TRUE;
  self->expires = (guint) min_expires;
  if (!issue (self, FALSE, &error))
    {
      enter_state (self, TC_REGISTRATION_STATE_REJECTED, 500, error->message, NULL, "invalid-request");
      return TRUE;
    }
  flush_early_final (self);
  return TRUE;
}

static void
handle_register_final (TcRegistration *self, TcSipRequest *request, TcSipMessage *response, const GError *error)
{
  g_autofree char *text = response ? tc_sip_str_dup (tc_sip_message_get_reason (response)) : NULL;
  const char *reason = text, *cause = NULL;
  guint status =
    response ? tc_sip_message_get_status (response) : tc_registration_local_status (error, &reason, &cause);

  if (status >= 200 && status < 300)
    accept_2xx (self, request, response, reason);
  else if (status == 423 && response && retry_423 (self, response))
    return;
  else if (tc_registration_status_is_retryable (status, response != NULL))
    fail (self, status, reason, response, cause);
  else
    enter_state (self, TC_REGISTRATION_STATE_REJECTED, status, reason, response, cause);
}

/* Unregistered whatever the outcome: the binding is gone or will expire. */
static void
handle_removal_final (TcRegistration *self, TcSipMessage *response, const GError *error)
{
  g_autofree char *text = response ? tc_sip_str_dup (tc_sip_message_get_reason (response)) : NULL;
  const char *reason = text, *cause = NULL;
  guint status =
    response ? tc_sip_message_get_status (response) : tc_registration_local_status (error, &reason, &cause);

  enter_state (self, TC_REGISTRATION_STATE_UNREGISTERED, status, reason, response, cause);
}

static void
handle_final (TcRegistration *self, TcSipRequest *request, TcSipMessage *response, const GError *error)
{
  g_autoptr (TcRegistration) hold = g_object_ref (self);
  g_autoptr (TcSipRequest) done = NULL;
  gboolean removes = self->request_removes;

  if (request != self->request)
    return; /* abandoned: cannot happen, abandoned requests call nothing */
  done = g_steal_pointer (&self->request);
  note_sent (self, done, removes);
  if (removes)
    handle_removal_final (self, response, error);
  else
    handle_register_final (self, done, response, error);
}

/* ---- the held flow ----------------------------------------------------------------- */

static void
on_flow_closed (TcSipFlow *flow, const GError *cause, gpointer user_data)
{
  TcRegistration *self = TC_REGISTRATION (user_data);
  g_autoptr (TcRegistration) hold = g_object_ref (self);
  g_autofree char *remote = tc_registration_describe_flow (self->registrar, flow);
  const char *lost;

  tc_debug ("registration %s: the connection to %s closed: %s", self->aor, remote,
            cause ? cause->message : "orderly close");
  drop_flow (self, FALSE);
  /* The closed set of Endpoint.ConnectionLost: keep-alives that went
   * unanswered, a failed read or write, or the peer closing. */
  lost = !cause                                                      ? "closed"
         : g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ? "keepalive-timeout"
                                                                     : "transport-error";
  if (self->observer && self->observer->connection_lost)
    self->observer->connection_lost (self, lost, remote, self->observer_data);
  g_signal_emit (self, signals[SIGNAL_CONNECTION_LOST], 0, lost, remote);
  if (!self->stack)
    return; /* disposed by a handler */
  switch (self->state)
    {
    case TC_REGISTRATION_STATE_REGISTERED:
    case TC_REGISTRATION_STATE_REGISTERING:
      /* Renew the binding over a new flow at once. */
      start_register (self, 503, cause ? cause->message : "Connection lost", "connection-lost");
      break;
    case TC_REGISTRATION_STATE_UNREGISTERING:
      /* The removal ends on its own (unregistered on any outcome). */
    case TC_REGISTRATION_STATE_UNREGISTERED:
    case TC_REGISTRATION_STATE_REJECTED:
    case TC_REGISTRATION_STATE_ERROR:
      break;
    }
}

/* ---- public API ------------------------------------------------------------------------ */

TcRegistration *
tc_registration_new (TcSipStack *stack, const TcRegistrationConfig *config)
{
  TcRegistration *self;

  g_return_val_if_fail (TC_SIP_IS_STACK (stack), NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->aor != NULL && config->registrar != NULL && config->contact_user != NULL, NULL);
  g_return_val_if_fail (config->expires > 0, NULL);

  self = g_object_new (TC_TYPE_REGISTRATION, NULL);
  self->stack = g_object_ref (stack);
  self->clock = tc_sip_clock_ref (tc_sip_stack_get_clock (stack));
  self->aor = g_strdup (config->aor);
  self->address = tc_name_addr_format (config->display_name, config->aor);
  self->registrar = g_ref_string_new_intern (config->registrar);
  self->contact_user = g_strdup (config->contact_user);
  self->instance_id = config->instance_id && *config->instance_id ? g_strdup (config->instance_id) : NULL;
  self->allow_events = config->allow_events && *config->allow_events ? g_strdup (config->allow_events) : NULL;
  self->base_route_set = config->route_set ? tc_sip_route_set_ref (config->route_set) : NULL;
  self->credentials = config->credentials ? tc_sip_digest_cache_ref (config->credentials) : NULL;
  tc_registration_set_extra_headers (self, config->extra_headers);
  self->retry_base_us = config->retry_base_us > 0 ? config->retry_base_us : 30 * G_TIME_SPAN_SECOND;
  self->retry_max_us = MAX (config->retry_max_us, self->retry_base_us);
  self->expires = config->expires;
  self->observer = config->observer;
  self->observer_data = config->observer_data;
  self->window = config->window ? tc_registration_window_ref (config->window) : NULL;
  clear_grants (self);
  return self;
}

void
tc_registration_forget_observer (TcRegistration *self)
{
  g_return_if_fail (TC_IS_REGISTRATION (self));

  self->observer = NULL;
  self->observer_data = NULL;
}

TcRegistrationState
tc_registration_get_state (TcRegistration *self)
{
  g_return_val_if_fail (TC_IS_REGISTRATION (self), TC_REGISTRATION_STATE_UNREGISTERED);
  return self->state;
}

void
tc_registration_register (TcRegistration *self)
{
  g_return_if_fail (TC_IS_REGISTRATION (self));
  g_return_if_fail (self->stack != NULL);

  switch (self->state)
    {
    case TC_REGISTRATION_STATE_UNREGISTERED:
    case TC_REGISTRATION_STATE_REJECTED:
    case TC_REGISTRATION_STATE_ERROR:
    case TC_REGISTRATION_STATE_REGISTERED:
      start_register (self, 0, "", NULL);
      break;
    case TC_REGISTRATION_STATE_REGISTERING:
      break; /* already under way */
    case TC_REGISTRATION_STATE_UNREGISTERING:
      tc_debug ("registration %s: register() while unregistering: ignored", self->aor);
      break;
    }
}

void
tc_registration_unregister (TcRegistration *self)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (TC_IS_REGISTRATION (self));
  g_return_if_fail (self->stack != NULL);

  /* A REGISTER waiting for its turn never goes. */
  leave_window (self);
  switch (self->state)
    {
    case TC_REGISTRATION_STATE_UNREGISTERED:
    case TC_REGISTRATION_STATE_REJECTED:
    case TC_REGISTRATION_STATE_ERROR:
      /* No binding: stop retrying. */
      enter_state (self, TC_REGISTRATION_STATE_UNREGISTERED, 0, "", NULL, NULL);
      break;
    case TC_REGISTRATION_STATE_UNREGISTERING:
      break;
    case TC_REGISTRATION_STATE_REGISTERING:
    case TC_REGISTRATION_STATE_REGISTERED:
      /* A REGISTER in flight may still make a binding: remove it anyway. */
      abandon_request (self);
      cancel_timer (self);
      if (!issue (self, TRUE, &error))
        {
          tc_debug ("registration %s: cannot send the removal: %s", self->aor, error->message);
          enter_state (self, TC_REGISTRATION_STATE_UNREGISTERING, 0, "", NULL, NULL);
          enter_state (self, TC_REGISTRATION_STATE_UNREGISTERED, 500, error->message, NULL, "invalid-request");
          return;
        }
      enter_state (self, TC_REGISTRATION_STATE_UNREGISTERING, 0, "", NULL, NULL);
      flush_early_final (self);
      break;
    }
}

void
tc_registration_network_changed (TcRegistration *self)
{
  g_return_if_fail (TC_IS_REGISTRATION (self));
  g_return_if_fail (self->stack != NULL);

  switch (self->state)
    {
    case TC_REGISTRATION_STATE_REGISTERED:
    case TC_REGISTRATION_STATE_REGISTERING:
    case TC_REGISTRATION_STATE_ERROR:
      tc_debug ("registration %s: network change, renewing over a new flow", self->aor);
      /* The old connection may run from an address we no longer have. */
      abandon_request (self);
      drop_flow (self, TRUE);
      start_register (self, 0, "Network change", "network-changed");
      break;
    case TC_REGISTRATION_STATE_UNREGISTERED:
    case TC_REGISTRATION_STATE_UNREGISTERING:
    case TC_REGISTRATION_STATE_REJECTED:
      break;
    }
}

void
tc_registration_set_extra_headers (TcRegistration *self, const GArray *extra_headers)
{
  g_return_if_fail (TC_IS_REGISTRATION (self));

  g_clear_pointer (&self->extra_headers, g_array_unref);
  if (extra_headers && extra_headers->len > 0)
    self->extra_headers = tc_header_pairs_copy (extra_headers);
}

const char *
tc_registration_get_pub_gruu (TcRegistration *self)
{
  g_return_val_if_fail (TC_IS_REGISTRATION (self), NULL);
  return self->pub_gruu;
}

GRefString *
tc_registration_ref_pub_gruu (TcRegistration *self)
{
  g_return_val_if_fail (TC_IS_REGISTRATION (self), NULL);
  return self->pub_gruu ? g_ref_string_acquire (self->pub_gruu) : NULL;
}

const char *
tc_registration_get_temp_gruu (TcRegistration *self)
{
  g_return_val_if_fail (TC_IS_REGISTRATION (self), NULL);
  return self->temp_gruu;
}

TcSipRouteSet *
tc_registration_get_route_set (TcRegistration *self)
{
  g_return_val_if_fail (TC_IS_REGISTRATION (self), NULL);
  if (!self->route_set || tc_sip_route_set_get_n_routes (self->route_set) == 0)
    return NULL;
  return self->route_set;
}

guint
tc_registration_get_granted_expires (TcRegistration *self)
{
  g_return_val_if_fail (TC_IS_REGISTRATION (self), 0);
  return self->granted;
}

const char *
tc_registration_get_contact (TcRegistration *self)
{
  g_return_val_if_fail (TC_IS_REGISTRATION (self), NULL);
  return self->contact;
}

TcSipFlow *
tc_registration_get_flow (TcRegistration *self)
{
  g_return_val_if_fail (TC_IS_REGISTRATION (self), NULL);
  return self->flow;
}

gint64
tc_registration_get_next_attempt (TcRegistration *self)
{
  g_return_val_if_fail (TC_IS_REGISTRATION (self), 0);
  return self->timer ? self->next_attempt : 0;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
tc_registration_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TcRegistration *self = TC_REGISTRATION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_registration_dispose (GObject *object)
{
  TcRegistration *self = TC_REGISTRATION (object);

  /* No handler of ours runs after this: the request is abandoned, the
   * timer cancelled and the flow's signal disconnected. */
  abandon_request (self);
  cancel_timer (self);
  drop_flow (self, FALSE);
  leave_window (self);
  g_clear_object (&self->stack);
  G_OBJECT_CLASS (tc_registration_parent_class)->dispose (object);
}

static void
tc_registration_finalize (GObject *object)
{
  TcRegistration *self = TC_REGISTRATION (object);

  tc_sip_clock_unref (self->clock);
  g_clear_pointer (&self->window, tc_registration_window_unref);
  g_free (self->aor);
  g_free (self->address);
  g_ref_string_release (self->registrar);
  g_free (self->contact_user);
  g_free (self->instance_id);
  g_free (self->allow_events);
  g_clear_pointer (&self->base_route_set, tc_sip_route_set_unref);
  g_clear_pointer (&self->credentials, tc_sip_digest_cache_unref);
  g_clear_pointer (&self->extra_headers, g_array_unref);
  g_free (self->from);
  g_free (self->call_id);
  g_free (self->sent_contact);
  g_clear_pointer (&self->route_set, tc_sip_route_set_unref);
  g_clear_pointer (&self->pub_gruu, g_ref_string_release);
  g_free (self->temp_gruu);
  g_free (self->contact);
  G_OBJECT_CLASS (tc_registration_parent_class)->finalize (object);
}

static void
tc_registration_class_init (TcRegistrationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tc_registration_get_property;
  object_class->dispose = tc_registration_dispose;
  object_class->finalize = tc_registration_finalize;

  /**
   * TcRegistration:state:
   *
   * The TcRegistrationState (tc_registration_get_state()).
   */
  props[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, TC_REGISTRATION_STATE_UNREGISTERED,
                                        TC_REGISTRATION_STATE_ERROR, TC_REGISTRATION_STATE_UNREGISTERED,
                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * TcRegistration::state-changed:
   * @previous: the TcRegistrationState before
   * @sip_status: the response's status, or the RFC 3261 equivalent of a
   *   local cause (408, 503, 487); 0 for a change nothing failed in
   * @reason: its reason phrase, or ""
   * @message: (nullable): the response that caused the change
   * @cause: (nullable): "timeout", "transport-error", "connection-lost",
   *   "network-changed", "cancelled", "no-binding" (a 2xx without our
   *   Contact), "invalid-request" (the REGISTER could not be built)
   */
  signals[SIGNAL_STATE_CHANGED] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                                NULL, NULL, G_TYPE_NONE, 5, G_TYPE_INT, G_TYPE_UINT, G_TYPE_STRING,
                                                TC_SIP_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_STRING);

  /**
   * TcRegistration::connection-lost:
   * @cause: "closed", "transport-error" or "keepalive-timeout"
   * @remote: the flow's far end ("tcp:192.0.2.50:5060"), or the registrar
   *   URI when the flow has no address
   *
   * The held flow to the registrar closed; the binding is being renewed.
   */
  signals[SIGNAL_CONNECTION_LOST] = g_signal_new ("connection-lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
tc_registration_init (TcRegistration *self)
{
  self->state = TC_REGISTRATION_STATE_UNREGISTERED;
}
