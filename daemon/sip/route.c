/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * route.c — TcSipRouteSet: outbound proxy (RFC 3261 §8.1.2) plus
 * Service-Route (RFC 3608) as the pre-loaded Route of out-of-dialog
 * requests, and the parsing of Service-Route and Path (RFC 3327) headers.
 * Pure: no I/O.
 */
#include "sip/route.h"

#include "sip/sip-error.h"

struct _TcSipRouteSet {
  gint ref_count;
  TcSipUri *outbound_proxy; /* with ;lr, or NULL */
  GPtrArray *uris;          /* TcSipUri: the proxy (if any), then the Service-Route URIs */
  GPtrArray *texts;         /* char *: the same URIs as written in Route headers */
};

G_DEFINE_BOXED_TYPE (TcSipRouteSet, tc_sip_route_set, tc_sip_route_set_ref, tc_sip_route_set_unref)

static TcSipRouteSet *
route_set_alloc (const TcSipUri *outbound_proxy)
{
  TcSipRouteSet *set = g_new0 (TcSipRouteSet, 1);

  set->ref_count = 1;
  set->uris = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_uri_unref);
  set->texts = g_ptr_array_new_with_free_func (g_free);
  if (outbound_proxy)
    {
      set->outbound_proxy = tc_sip_uri_copy (outbound_proxy);
      /* RFC 3261 §8.1.2 assumes a loose router; a strict-routing outbound
       * proxy is not supported as a pre-loaded route (route.h). */
      if (!tc_sip_uri_get_lr (set->outbound_proxy))
        tc_sip_uri_set_param (set->outbound_proxy, "lr", NULL);
      g_ptr_array_add (set->uris, tc_sip_uri_ref (set->outbound_proxy));
      g_ptr_array_add (set->texts, tc_sip_uri_to_string (set->outbound_proxy));
    }
  return set;
}

/**
 * tc_sip_route_set_new:
 * @outbound_proxy: (nullable): the outbound proxy, or NULL for none
 *
 * A route set holding the outbound proxy as its one route (RFC 3261
 * §8.1.2).  The URI is copied; ;lr is added when it lacks it.
 *
 * Returns: (transfer full): the route set
 */
TcSipRouteSet *
tc_sip_route_set_new (const TcSipUri *outbound_proxy)
{
  return route_set_alloc (outbound_proxy);
}

/**
 * tc_sip_route_set_from_service_route:
 * @base: (nullable): the route set whose outbound proxy is kept, or NULL
 * @register_2xx: a 2xx response to REGISTER
 * @error: return location for a #GError
 *
 * RFC 3608 §6.1: a new route set made of @base's outbound proxy (if any)
 * followed by the Service-Route URIs of @register_2xx, in order.  Service
 * routes @base held are dropped: each successful REGISTER replaces them,
 * and a 2xx without Service-Route clears them.
 *
 * Fails with %TC_SIP_ERROR_INVALID_ARGUMENT when @register_2xx is not a
 * 2xx to REGISTER, or a Service-Route value is not a SIP or SIPS URI.
 *
 * Returns: (transfer full) (nullable): the route set (a reference to @base, or
 *   a shared empty set, when the 2xx adds no Service-Route to it)
 */
TcSipRouteSet *
tc_sip_route_set_from_service_route (const TcSipRouteSet *base, TcSipMessage *register_2xx, GError **error)
{
  g_autoptr (TcSipRouteSet) set = NULL;
  g_autoptr (GPtrArray) routes = NULL;
  const TcSipCSeq *cseq;
  guint status, i;

  g_return_val_if_fail (register_2xx != NULL, NULL);

  status = tc_sip_message_is_request (register_2xx) ? 0 : tc_sip_message_get_status (register_2xx);
  cseq = tc_sip_message_get_cseq (register_2xx);
  if (status < 200 || status >= 300 || !cseq || !tc_sip_str_equal (cseq->method, "REGISTER"))
    {
      tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "not a 2xx response to REGISTER");
      return NULL;
    }
  routes = tc_sip_route_parse_service_route (register_2xx, error);
  if (!routes)
    return NULL;
  /* No Service-Route (the common case): @base itself when it holds only
   * its outbound proxy, one shared empty set when there is none; these are
   * kept per registration, thousands of them. */
  if (routes->len == 0 && base && base->uris->len == (base->outbound_proxy ? 1u : 0u))
    return tc_sip_route_set_ref ((TcSipRouteSet *) base);
  if (routes->len == 0 && !base)
    {
      static TcSipRouteSet *empty;

      if (g_once_init_enter (&empty))
        g_once_init_leave (&empty, route_set_alloc (NULL));
      return tc_sip_route_set_ref (empty);
    }
  set = route_set_alloc (base ? base->outbound_proxy : NULL);
  for (i = 0; i < routes->len; i++)
    {
      TcSipUri *uri = g_ptr_array_index (routes, i);

      g_ptr_array_add (set->uris, tc_sip_uri_ref (uri));
      g_ptr_array_add (set->texts, tc_sip_uri_to_string (uri));
    }
  return g_steal_pointer (&set);
}

TcSipRouteSet *
tc_sip_route_set_ref (TcSipRouteSet *set)
{
  g_return_val_if_fail (set != NULL, NULL);
  g_atomic_int_inc (&set->ref_count);
  return set;
}

void
tc_sip_route_set_unref (TcSipRouteSet *set)
{
  g_return_if_fail (set != NULL);
  if (!g_atomic_int_dec_and_test (&set->ref_count))
    return;
  g_clear_pointer (&set->outbound_proxy, tc_sip_uri_unref);
  g_ptr_array_unref (set->uris);
  g_ptr_array_unref (set->texts);
  g_free (set);
}

const TcSipUri *
tc_sip_route_set_get_outbound_proxy (const TcSipRouteSet *set)
{
  g_return_val_if_fail (set != NULL, NULL);
  return set->outbound_proxy;
}

guint
tc_sip_route_set_get_n_routes (const TcSipRouteSet *set)
{
  g_return_val_if_fail (set != NULL, 0);
  return set->uris->len;
}

const TcSipUri *
tc_sip_route_set_get_route (const TcSipRouteSet *set, guint i)
{
  g_return_val_if_fail (set != NULL && i < set->uris->len, NULL);
  return g_ptr_array_index (set->uris, i);
}

const char *
tc_sip_route_set_get_route_text (const TcSipRouteSet *set, guint i)
{
  g_return_val_if_fail (set != NULL && i < set->texts->len, NULL);
  return g_ptr_array_index (set->texts, i);
}

/**
 * tc_sip_route_set_apply:
 * @set: a route set
 * @builder: an out-of-dialog request without Route headers
 *
 * Appends one Route header per route of @set, in order: the outbound
 * proxy, then the service routes (RFC 3608 §6.1).  The Request-URI is
 * left alone: every pre-loaded route is a loose router.
 */
void
tc_sip_route_set_apply (const TcSipRouteSet *set, TcSipMessageBuilder *builder)
{
  guint i;

  g_return_if_fail (set != NULL && builder != NULL);

  for (i = 0; i < set->texts->len; i++)
    tc_sip_message_builder_add_header_printf (builder, "Route", "<%s>",
                                              (const char *) g_ptr_array_index (set->texts, i));
}

/**
 * tc_sip_route_set_get_next_hop:
 * @set: a route set
 * @request_uri: (nullable): the Request-URI of the request
 *
 * The URI to resolve (RFC 3261 §8.1.2, RFC 3263): the first route, or
 * @request_uri when @set is empty.
 *
 * Returns: (transfer none) (nullable): the URI, borrowed from @set or
 * @request_uri
 */
const TcSipUri *
tc_sip_route_set_get_next_hop (const TcSipRouteSet *set, const TcSipUri *request_uri)
{
  g_return_val_if_fail (set != NULL, NULL);
  if (set->uris->len > 0)
    return g_ptr_array_index (set->uris, 0);
  return request_uri;
}

/* The URIs of every @name header of @message (Route grammar: name-addr
 * with the URI in angle brackets, then rr-params, comma-separated). */
static GPtrArray *
parse_route_headers (TcSipMessage *message, const char *name, GError **error)
{
  g_autoptr (GPtrArray) uris = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_uri_unref);
  gint i;

  for (i = tc_sip_message_find_header_by_name (message, name, 0); i >= 0;
       i = tc_sip_message_find_header_by_name (message, name, i + 1))
    {
      const TcSipHeader *header = tc_sip_message_get_header (message, i);
      TcSipListIter iter;
      TcSipStr element;

      tc_sip_list_iter_init (&iter, header->value);
      while (tc_sip_list_iter_next (&iter, &element))
        {
          TcSipNameAddr addr;
          TcSipUri *uri;

          if (!tc_sip_parse_header_name_addr (TC_SIP_HEADER_ROUTE, element, &addr, error))
            {
              g_prefix_error (error, "%s: ", name);
              return NULL;
            }
          uri = tc_sip_uri_parse (addr.uri.str, addr.uri.len, error);
          if (!uri)
            {
              g_prefix_error (error, "%s: ", name);
              return NULL;
            }
          g_ptr_array_add (uris, uri);
          if (tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_TEL)
            {
              tc_sip_set_error (error, TC_SIP_ERROR_INVALID_ARGUMENT, 0, "%s: %.*s is not a SIP or SIPS URI", name,
                                (int) addr.uri.len, addr.uri.str);
              return NULL;
            }
        }
    }
  return g_steal_pointer (&uris);
}

/**
 * tc_sip_route_parse_service_route:
 * @message: a message (a 2xx to REGISTER)
 * @error: return location for a #GError
 *
 * The Service-Route URIs of @message, in order (RFC 3608 §5).
 *
 * Returns: (transfer full) (element-type TcSipUri) (nullable): the URIs,
 * possibly none; NULL with @error set when a value does not parse
 */
GPtrArray *
tc_sip_route_parse_service_route (TcSipMessage *message, GError **error)
{
  g_return_val_if_fail (message != NULL, NULL);
  return parse_route_headers (message, "Service-Route", error);
}

/**
 * tc_sip_route_parse_path:
 * @message: a message (a 2xx to REGISTER)
 * @error: return location for a #GError
 *
 * The Path URIs of @message, in order (RFC 3327 §4): the proxies between
 * the registrar and this UA that will route requests for it back to it.
 * A UA only shows or checks them (for example that its edge proxy, the
 * first hop, is the last Path entry); it never routes by them.
 *
 * Returns: (transfer full) (element-type TcSipUri) (nullable): the URIs,
 * possibly none; NULL with @error set when a value does not parse
 */
GPtrArray *
tc_sip_route_parse_path (TcSipMessage *message, GError **error)
{
  g_return_val_if_fail (message != NULL, NULL);
  return parse_route_headers (message, "Path", error);
}
