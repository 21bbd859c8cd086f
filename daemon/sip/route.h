/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * route.h — TcSipRouteSet: the pre-loaded route set of out-of-dialog
 * requests, and the reading of Service-Route (RFC 3608) and Path
 * (RFC 3327) from a REGISTER response.
 *
 * A route set is an immutable, refcounted value: an optional outbound
 * proxy (RFC 3261 §8.1.2, given ;lr if it lacks it) followed by the
 * Service-Route URIs of the last successful REGISTER (RFC 3608 §6.1).
 * tc_sip_route_set_apply() writes it into a request as Route headers and
 * tc_sip_route_set_get_next_hop() says which URI to resolve.
 *
 * Strict-routing outbound proxies are not supported as pre-loaded routes:
 * the proxy URI always gets ;lr, as RFC 3261 §8.1.2 and RFC 3608 assume
 * loose routers.  In a dialog the dialog's own route set applies
 * (dialog.h), strict routers included.
 */
#pragma once

#include <glib-object.h>

#include "sip/builder.h"
#include "sip/message.h"
#include "sip/uri.h"

G_BEGIN_DECLS

/* The option tag of RFC 3327 §5: a UA that understands Path (it needs no
 * more than to accept it: only registrars and proxies act on it) puts it
 * in the Supported header of its REGISTER, and a registrar then returns
 * the Path it stored in the 2xx (§5.3). */
#define TC_SIP_OPTION_TAG_PATH "path"

typedef struct _TcSipRouteSet TcSipRouteSet;

#define TC_SIP_TYPE_ROUTE_SET (tc_sip_route_set_get_type ())
GType tc_sip_route_set_get_type (void);

TcSipRouteSet *tc_sip_route_set_new (const TcSipUri *outbound_proxy);
TcSipRouteSet *tc_sip_route_set_from_service_route (const TcSipRouteSet *base, TcSipMessage *register_2xx,
                                                    GError **error);

TcSipRouteSet *tc_sip_route_set_ref (TcSipRouteSet *set);
void tc_sip_route_set_unref (TcSipRouteSet *set);

/* The outbound proxy (with ;lr), or NULL; borrowed. */
const TcSipUri *tc_sip_route_set_get_outbound_proxy (const TcSipRouteSet *set);
/* All routes in order: outbound proxy first, then the Service-Route URIs. */
guint tc_sip_route_set_get_n_routes (const TcSipRouteSet *set);
const TcSipUri *tc_sip_route_set_get_route (const TcSipRouteSet *set, guint i);
/* The URI text of the i-th route as it goes in its Route header (within
 * angle brackets), as tc_sip_uri_to_string() writes it. */
const char *tc_sip_route_set_get_route_text (const TcSipRouteSet *set, guint i);

void tc_sip_route_set_apply (const TcSipRouteSet *set, TcSipMessageBuilder *builder);
const TcSipUri *tc_sip_route_set_get_next_hop (const TcSipRouteSet *set, const TcSipUri *request_uri);

/* The URIs of every Service-Route / Path header of @message, in order,
 * as TcSipUri (transfer full); an empty array when there is none. */
GPtrArray *tc_sip_route_parse_service_route (TcSipMessage *message, GError **error);
GPtrArray *tc_sip_route_parse_path (TcSipMessage *message, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSipRouteSet, tc_sip_route_set_unref)

G_END_DECLS
