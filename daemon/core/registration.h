/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registration.h — TcRegistration: one binding of one address of record
 * at a registrar (RFC 3261 §10), the RTC RegistrationStateChange machine.
 *
 * States (nicks are the D-Bus spelling):
 *   unregistered  no binding; initial, and after a successful unregister
 *   registering   a REGISTER is in progress (first, refresh or retry)
 *   registered    the registrar's 200 OK listed our Contact
 *   unregistering a REGISTER with Expires: 0 is in progress
 *   rejected      the registrar refused in a way retrying cannot fix
 *                 (403, 404, a repeated 401/407, other 4xx and 6xx);
 *                 no retry until tc_registration_register()
 *   error         a timeout, a transport failure, 408, 480 or 5xx: retried
 *                 after an exponential back-off with jitter (RFC 5626
 *                 §4.5: min(max, base·2^n) × U(0.5, 1)), or after
 *                 Retry-After when the response has one
 *
 * A refresh is sent after U(0.5, 0.8) of the granted lifetime (never
 * later than 5 s before expiry), so that thousands of bindings made at
 * once do not refresh at once.  The granted lifetime is our Contact's
 * expires parameter in the 200 OK, else its Expires header; a 200 that
 * does not list our Contact is an error.  423 Interval Too Brief is
 * answered by retrying at once with its Min-Expires (once per REGISTER).
 * The 200's Service-Route (RFC 3608) and our Contact's pub-gruu and
 * temp-gruu (RFC 5627) are kept.  A refresh that does not succeed leaves
 * the state "registering" until it is answered: a REGISTER in flight
 * while registered shows as registering.
 *
 * Over TCP/TLS/WS the flow of the last successful REGISTER is held; when
 * it closes, "connection-lost" is emitted and the binding is renewed at
 * once over a new flow.  tc_registration_network_changed() does the same
 * for a change the system reported.
 */
#pragma once

#include "core/registration-window.h"
#include "core/settings.h"
#include "sip/stack.h"

G_BEGIN_DECLS

typedef enum {
  TC_REGISTRATION_STATE_UNREGISTERED,
  TC_REGISTRATION_STATE_REGISTERING,
  TC_REGISTRATION_STATE_REGISTERED,
  TC_REGISTRATION_STATE_UNREGISTERING,
  TC_REGISTRATION_STATE_REJECTED,
  TC_REGISTRATION_STATE_ERROR,
} TcRegistrationState;

const char *tc_registration_state_to_string (TcRegistrationState state);

/**
 * TcRegistrationConfig:
 * @aor: From and To, an addr-spec
 * @display_name: for From and To, or NULL
 * @registrar: the Request-URI
 * @route_set: pre-loaded route (outbound proxy), or NULL; borrowed
 * @credentials: digest credentials, or NULL; borrowed (a reference is taken)
 * @contact_user: the user part of our Contact; the endpoint routes
 *   incoming requests by it
 * @instance_id: "urn:uuid:…" for +sip.instance, or NULL
 * @expires: the lifetime asked for, seconds
 * @extra_headers: TcHeaderPair added to every REGISTER, or NULL (copied)
 * @allow_events: Allow-Events value, or NULL
 * @retry_base_us: base of the back-off (RFC 5626: 30 s)
 * @retry_max_us: its ceiling (RFC 5626: 1800 s)
 * @observer: (nullable): called as the signals are emitted, before their
 *   handlers, with @observer_data: how the owner follows its registration
 *   without a handler each (a closure per signal, thousands of endpoints)
 * @window: (nullable): shared by the registrations that take turns (a
 *   reference is taken); a REGISTER waits there for a slot before it goes
 */
typedef struct _TcRegistrationObserver TcRegistrationObserver;

typedef struct {
  const char *aor;
  const char *display_name;
  const char *registrar;
  TcSipRouteSet *route_set;
  TcSipDigestCache *credentials;
  const char *contact_user;
  const char *instance_id;
  guint expires;
  const GArray *extra_headers;
  const char *allow_events;
  gint64 retry_base_us;
  gint64 retry_max_us;
  const TcRegistrationObserver *observer;
  gpointer observer_data;
  TcRegistrationWindow *window;
} TcRegistrationConfig;

void tc_registration_config_init (TcRegistrationConfig *config);

#define TC_TYPE_REGISTRATION (tc_registration_get_type ())
G_DECLARE_FINAL_TYPE (TcRegistration, tc_registration, TC, REGISTRATION, GObject)

/* The signals' arguments, then @user_data (the config's observer_data);
 * a NULL member is not called. */
struct _TcRegistrationObserver {
  void (*state_changed) (TcRegistration *registration, TcRegistrationState previous, guint sip_status,
                         const char *reason, TcSipMessage *message, const char *cause, gpointer user_data);
  void (*connection_lost) (TcRegistration *registration, const char *cause, const char *remote, gpointer user_data);
};

/* Signals:
 *  "state-changed" (TcRegistrationState previous, guint sip_status,
 *      const char *reason, TcSipMessage *message (nullable),
 *      const char *cause (nullable)): the state (tc_registration_get_state)
 *      changed; @sip_status/@reason are the response that caused it, or
 *      the RFC 3261 equivalent of a local cause (408 timeout, 503
 *      transport, 487 cancelled) with @cause naming it ("timeout",
 *      "transport-error", "connection-lost", "network-changed",
 *      "cancelled", "no-binding", "invalid-request").
 *  "connection-lost" (const char *cause, const char *remote): the held
 *      flow to the registrar closed. */

TcRegistration *tc_registration_new (TcSipStack *stack, const TcRegistrationConfig *config);
/* Stops calling the config's observer (its owner goes). */
void tc_registration_forget_observer (TcRegistration *self);

TcRegistrationState tc_registration_get_state (TcRegistration *self);
/* Starts registering (from any state but unregistering), or refreshes
 * now when registered. */
void tc_registration_register (TcRegistration *self);
/* Removes our binding (Contact with expires=0); unregistered when the
 * registrar answers or the REGISTER fails.  From unregistered, rejected
 * or error (no binding): stops retrying and goes to unregistered. */
void tc_registration_unregister (TcRegistration *self);
/* Renews the binding over a new flow now (when registered, registering
 * or in error). */
void tc_registration_network_changed (TcRegistration *self);
/* Replaces the extra headers of later REGISTERs. */
void tc_registration_set_extra_headers (TcRegistration *self, const GArray *extra_headers);

/* The registrar's grants, valid while registered (else NULL / 0). */
const char *tc_registration_get_pub_gruu (TcRegistration *self);
/* The public GRUU as a new reference on the string itself (no copy), or
 * NULL: g_ref_string_release() it. */
GRefString *tc_registration_ref_pub_gruu (TcRegistration *self);
const char *tc_registration_get_temp_gruu (TcRegistration *self);
/* Outbound proxy followed by Service-Route: the route set for requests
 * sent as this AOR; NULL when empty.  Borrowed. */
TcSipRouteSet *tc_registration_get_route_set (TcRegistration *self);
guint tc_registration_get_granted_expires (TcRegistration *self);
/* Our Contact as the registrar bound it, or NULL. */
const char *tc_registration_get_contact (TcRegistration *self);
/* The flow to the registrar (held while registered over a stream), or NULL. */
TcSipFlow *tc_registration_get_flow (TcRegistration *self);
/* Monotonic time (the stack clock) of the next REGISTER, or 0. */
gint64 tc_registration_get_next_attempt (TcRegistration *self);

G_END_DECLS
