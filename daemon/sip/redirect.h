/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * redirect.h — TcSipRedirect: the targets a UAC tries after 3xx responses
 * (RFC 3261 §8.1.3.4), with loop detection and a limit.
 *
 * A redirect starts from the original Request-URI (counted as tried).
 * Each 3xx adds its Contacts to one target set, highest q first (a missing
 * q counts as 1.0), in arrival order for equal q, as a proxy orders its
 * target set (§16.6).  A Contact whose URI equals (tc_sip_uri_equal()) one
 * already tried or queued is dropped: that is how a redirect loop shows.
 * tc_sip_redirect_next() hands out the targets one by one, each recorded as
 * tried, until none is left or the limit of targets is reached.
 *
 * Kept: sip: and sips: URIs; a sips: original keeps only sips: targets
 * (no silent downgrade, §8.1.3.4).  Dropped: tel: URIs unless
 * tc_sip_redirect_set_allow_tel() (a tel: target needs a proxy that routes
 * it, so only a UA with an outbound proxy wants them), other schemes, and
 * Contacts with expires=0.
 *
 * Not followed automatically: 305 Use Proxy (RFC 3261 §21.3.6 — following
 * it blindly lets any on-path element redirect a call through itself, and
 * RFC 3261 §8.1.3.4 leaves it to the user) and 380 Alternative Service
 * (its Contacts describe a service, not a target, §21.3.7): the outcome is
 * %TC_SIP_REDIRECT_NOT_FOLLOWED and the core decides.
 */
#pragma once

#include <glib.h>

#include "sip/message.h"
#include "sip/uri.h"

G_BEGIN_DECLS

#define TC_SIP_REDIRECT_DEFAULT_MAX_TARGETS 5

/**
 * TcSipRedirectOutcome:
 * @TC_SIP_REDIRECT_TARGET: a target is (or was just handed out) to try
 * @TC_SIP_REDIRECT_EXHAUSTED: no target left: the 3xx had no usable Contact
 *   and every earlier one was tried
 * @TC_SIP_REDIRECT_LIMIT: the maximum number of targets was tried
 * @TC_SIP_REDIRECT_LOOP: the last 3xx only pointed at URIs already tried
 *   or queued
 * @TC_SIP_REDIRECT_NOT_FOLLOWED: the last response was a 305, a 380 or not
 *   a 3xx: not followed automatically
 *
 * Why tc_sip_redirect_next() returned what it did.
 */
typedef enum {
  TC_SIP_REDIRECT_TARGET,
  TC_SIP_REDIRECT_EXHAUSTED,
  TC_SIP_REDIRECT_LIMIT,
  TC_SIP_REDIRECT_LOOP,
  TC_SIP_REDIRECT_NOT_FOLLOWED,
} TcSipRedirectOutcome;

const char *tc_sip_redirect_outcome_to_string (TcSipRedirectOutcome outcome);

typedef struct _TcSipRedirect TcSipRedirect;

TcSipRedirect *tc_sip_redirect_new (const TcSipUri *request_uri, guint max_targets);
void tc_sip_redirect_free (TcSipRedirect *redirect);

void tc_sip_redirect_set_allow_tel (TcSipRedirect *redirect, gboolean allow);

TcSipRedirectOutcome tc_sip_redirect_add_response (TcSipRedirect *redirect, TcSipMessage *response);
const TcSipUri *tc_sip_redirect_next (TcSipRedirect *redirect, GError **error);
TcSipRedirectOutcome tc_sip_redirect_get_outcome (const TcSipRedirect *redirect);

/* Targets handed out by tc_sip_redirect_next() (the original URI not
 * counted), and targets queued. */
guint tc_sip_redirect_get_n_tried (const TcSipRedirect *redirect);
guint tc_sip_redirect_get_n_pending (const TcSipRedirect *redirect);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipRedirect, tc_sip_redirect_free)

G_END_DECLS
