/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resolver.c — RFC 3263 §4 server location on GResolver, and the §4.3
 * failover blacklist (resolver.h).
 *
 * One lookup is a GTask holding a Lookup: the SRV queries for every
 * candidate transport and one A/AAAA query per distinct host name are all
 * in flight at once (an SRV answer starts the A/AAAA queries of its
 * targets at once); the target list is assembled when the last query has
 * answered.
 *
 * What GLib gives us (GLib 2.74, gio/gresolver.c): g_resolver_lookup_service
 * returns the SRV targets already ordered by RFC 2782 — ascending priority,
 * weighted random order within a priority (g_srv_target_list_sort()) — and
 * returns an empty list without error when the only record is the "."
 * target ("decidedly not available", RFC 2782).  g_resolver_lookup_by_name
 * returns the addresses in the order the system resolver (getaddrinfo, RFC
 * 6724) prefers, without duplicates.  Neither resolves NAPTR: GResolver has
 * no NAPTR record type, so RFC 3263 §4.1's NAPTR step is skipped and the
 * transports are tried in the stack's preference order, as §4.1 allows for
 * a client without NAPTR.
 */
#include "sip/resolver.h"

#include <string.h>

#include "sip/debug.h"
#include "sip/sip-error.h"

struct _TcSipResolver {
  GObject parent_instance;

  GResolver *resolver;
  TcSipClock *clock;
  TcSipTransportType transports[TC_SIP_N_TRANSPORTS]; /* preference order */
  guint n_transports;
  GSocketFamily family;
  GArray *blacklist; /* BlacklistEntry */
};

typedef struct {
  TcSipTarget target;
  gint64 expires_us;
} BlacklistEntry;

G_DEFINE_FINAL_TYPE (TcSipResolver, tc_sip_resolver, G_TYPE_OBJECT)

/* ---- one lookup ------------------------------------------------------- */

/* An SRV query for one transport: _sip._udp.<domain> and the like. */
typedef struct {
  TcSipTransportType type;
  char *rrname;  /* for messages */
  GList *srv;    /* GSrvTarget, in GLib's RFC 2782 order */
  GError *error; /* set when the query failed (NXDOMAIN included) */
} SrvQuery;

/* An A/AAAA query for one host name. */
typedef struct {
  char *name;
  GList *addresses; /* GInetAddress, in family preference order */
  GError *error;
} NameQuery;

typedef struct {
  char *uri;         /* the URI as text, for messages */
  char *host;        /* maddr or URI host, without IPv6 brackets */
  char *server_name; /* TLS/WSS: the URI's host when it is a name */
  guint16 port;      /* explicit port, 0 if none */
  GSocketFamily family;
  /* SRV queries, in transport preference order. */
  SrvQuery srv[TC_SIP_N_TRANSPORTS];
  guint n_srv;
  /* Transports used with the A/AAAA records of @host: the URI's own
   * transport, or the §4.2 fallback when no SRV record exists. */
  TcSipTransportType direct[TC_SIP_N_TRANSPORTS];
  guint n_direct;
  gboolean direct_started;
  GPtrArray *names; /* NameQuery */
  guint pending;
  gboolean returned; /* the task has its result (g_task_had_error() is
                      * already TRUE once the cancellable is cancelled) */
} Lookup;

/* The callback data of one query: the task (a reference) and the query. */
typedef struct {
  GTask *task;
  gpointer query;
} QueryRef;

static void
name_query_free (gpointer data)
{
  NameQuery *query = data;

  g_free (query->name);
  g_resolver_free_addresses (query->addresses);
  g_clear_error (&query->error);
  g_free (query);
}

static void
lookup_free (gpointer data)
{
  Lookup *lookup = data;

  for (guint i = 0; i < lookup->n_srv; i++)
    {
      g_free (lookup->srv[i].rrname);
      g_list_free_full (lookup->srv[i].srv, (GDestroyNotify) g_srv_target_free);
      g_clear_error (&lookup->srv[i].error);
    }
  g_ptr_array_unref (lookup->names);
  g_free (lookup->uri);
  g_free (lookup->host);
  g_free (lookup->server_name);
  g_free (lookup);
}

static QueryRef *
query_ref_new (GTask *task, gpointer query)
{
  QueryRef *ref = g_new (QueryRef, 1);

  ref->task = g_object_ref (task);
  ref->query = query;
  return ref;
}

static void
query_ref_free (QueryRef *ref)
{
  g_object_unref (ref->task);
  g_free (ref);
}

/* Addresses of @family first, each group in the system resolver's order. */
static GList *
order_by_family (GList *addresses, GSocketFamily family)
{
  GList *first = NULL, *rest = NULL;

  if (family == G_SOCKET_FAMILY_INVALID)
    return addresses;
  for (GList *l = addresses; l; l = l->next)
    {
      if (g_inet_address_get_family (l->data) == family)
        first = g_list_prepend (first, l->data);
      else
        rest = g_list_prepend (rest, l->data);
    }
  g_list_free (addresses);
  return g_list_concat (g_list_reverse (first), g_list_reverse (rest));
}

static NameQuery *
lookup_find_name (Lookup *lookup, const char *name)
{
  for (guint i = 0; i < lookup->names->len; i++)
    {
      NameQuery *query = g_ptr_array_index (lookup->names, i);

      if (g_ascii_strcasecmp (query->name, name) == 0)
        return query;
    }
  return NULL;
}

static void lookup_step (GTask *task);

static void
on_name_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  QueryRef *ref = user_data;
  Lookup *lookup = g_task_get_task_data (ref->task);
  NameQuery *query = ref->query;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &query->error);

  query->addresses = order_by_family (addresses, lookup->family);
  tc_debug ("resolver: %s: A/AAAA %s: %u addresses%s%s", lookup->uri, query->name, g_list_length (query->addresses),
            query->error ? ", " : "", query->error ? query->error->message : "");
  lookup->pending--;
  lookup_step (ref->task);
  query_ref_free (ref);
}

/* Starts the A/AAAA query of @name unless there is one; FALSE if there is. */
static gboolean
lookup_start_name (GTask *task, const char *name)
{
  TcSipResolver *self = g_task_get_source_object (task);
  Lookup *lookup = g_task_get_task_data (task);
  NameQuery *query;

  if (lookup_find_name (lookup, name))
    return FALSE;
  query = g_new0 (NameQuery, 1);
  query->name = g_strdup (name);
  g_ptr_array_add (lookup->names, query);
  lookup->pending++;
  g_resolver_lookup_by_name_async (self->resolver, name, g_task_get_cancellable (task), on_name_resolved,
                                   query_ref_new (task, query));
  return TRUE;
}

static void
on_srv_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  QueryRef *ref = user_data;
  Lookup *lookup = g_task_get_task_data (ref->task);
  SrvQuery *query = ref->query;

  query->srv = g_resolver_lookup_service_finish (G_RESOLVER (source), result, &query->error);
  tc_debug ("resolver: %s: SRV %s: %u targets%s%s", lookup->uri, query->rrname, g_list_length (query->srv),
            query->error ? ", " : "", query->error ? query->error->message : "");
  if (!query->error && !g_cancellable_is_cancelled (g_task_get_cancellable (ref->task)))
    {
      for (GList *l = query->srv; l; l = l->next)
        lookup_start_name (ref->task, g_srv_target_get_hostname (l->data));
    }
  lookup->pending--;
  lookup_step (ref->task);
  query_ref_free (ref);
}

static void
lookup_start_srv (GTask *task, SrvQuery *query)
{
  TcSipResolver *self = g_task_get_source_object (task);
  Lookup *lookup = g_task_get_task_data (task);
  /* RFC 3263 §4.1: _sips._tcp for TLS, _sip._tcp and _sip._udp. */
  const char *service = query->type == TC_SIP_TRANSPORT_TLS ? "sips" : "sip";
  const char *protocol = query->type == TC_SIP_TRANSPORT_UDP ? "udp" : "tcp";

  query->rrname = g_strdup_printf ("_%s._%s.%s", service, protocol, lookup->host);
  lookup->pending++;
  g_resolver_lookup_service_async (self->resolver, service, protocol, lookup->host, g_task_get_cancellable (task),
                                   on_srv_resolved, query_ref_new (task, query));
}

/* ---- assembling the result -------------------------------------------- */

static gboolean
same_server (const TcSipTarget *a, const TcSipTarget *b)
{
  if (a->type != b->type)
    return FALSE;
  if (a->address && b->address)
    return g_inet_socket_address_get_port (a->address) == g_inet_socket_address_get_port (b->address) &&
           g_inet_address_equal (g_inet_socket_address_get_address (a->address),
                                 g_inet_socket_address_get_address (b->address));
  return !a->address && !b->address && g_strcmp0 (a->ws_url, b->ws_url) == 0;
}

static void
append_target (GArray *targets, Lookup *lookup, TcSipTransportType type, GInetAddress *address, guint16 port)
{
  g_autoptr (GSocketAddress) socket_address = address ? g_inet_socket_address_new (address, port) : NULL;
  gboolean secure = tc_sip_transport_type_is_secure (type);
  TcSipTarget target;

  tc_sip_target_init (&target, type, (GInetSocketAddress *) socket_address, secure ? lookup->server_name : NULL);
  if (type == TC_SIP_TRANSPORT_WS || type == TC_SIP_TRANSPORT_WSS)
    {
      /* RFC 7118 defines no SRV records and no path: the URL is built from
       * the host and port the URI names. */
      gboolean v6 = strchr (lookup->host, ':') != NULL;

      target.ws_url =
        g_strdup_printf ("%s://%s%s%s:%u/", secure ? "wss" : "ws", v6 ? "[" : "", lookup->host, v6 ? "]" : "", port);
    }
  for (guint i = 0; i < targets->len; i++)
    {
      if (same_server (&g_array_index (targets, TcSipTarget, i), &target))
        {
          tc_sip_target_clear (&target);
          return;
        }
    }
  g_array_append_val (targets, target);
}

static gboolean
lookup_found_srv (Lookup *lookup)
{
  for (guint i = 0; i < lookup->n_srv; i++)
    {
      if (!lookup->srv[i].error)
        return TRUE;
    }
  return FALSE;
}

static GArray *
lookup_assemble (Lookup *lookup)
{
  GArray *targets = g_array_new (FALSE, TRUE, sizeof (TcSipTarget));

  g_array_set_clear_func (targets, (GDestroyNotify) tc_sip_target_clear);
  if (lookup_found_srv (lookup))
    {
      /* §4.2: each transport's SRV targets in RFC 2782 order, each target
       * expanded to its addresses. */
      for (guint i = 0; i < lookup->n_srv; i++)
        for (GList *l = lookup->srv[i].srv; l; l = l->next)
          {
            NameQuery *name = lookup_find_name (lookup, g_srv_target_get_hostname (l->data));

            for (GList *a = name ? name->addresses : NULL; a; a = a->next)
              append_target (targets, lookup, lookup->srv[i].type, a->data, g_srv_target_get_port (l->data));
          }
      return targets;
    }

  for (guint i = 0; i < lookup->n_direct; i++)
    {
      TcSipTransportType type = lookup->direct[i];
      NameQuery *name = lookup_find_name (lookup, lookup->host);
      guint16 port = lookup->port ? lookup->port : tc_sip_transport_type_get_default_port (type);

      if (type == TC_SIP_TRANSPORT_WS || type == TC_SIP_TRANSPORT_WSS)
        /* libsoup connects by URL; the address is for logs and the
         * blacklist, so one target even when resolution failed. */
        append_target (targets, lookup, type, name && name->addresses ? name->addresses->data : NULL, port);
      else
        for (GList *a = name ? name->addresses : NULL; a; a = a->next)
          append_target (targets, lookup, type, a->data, port);
    }
  return targets;
}

static const char *
describe_error (const GError *error)
{
  if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
    return "not found";
  if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE))
    return "temporary failure";
  return error->message;
}

/* "SRV _sip._udp.example.com: not found; A/AAAA example.com: not found" */
static char *
lookup_describe_failure (Lookup *lookup)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < lookup->n_srv; i++)
    {
      g_string_append_printf (out, "%sSRV %s: %s", out->len ? "; " : "", lookup->srv[i].rrname,
                              lookup->srv[i].error ? describe_error (lookup->srv[i].error) : "no usable target");
    }
  for (guint i = 0; i < lookup->names->len; i++)
    {
      NameQuery *name = g_ptr_array_index (lookup->names, i);

      g_string_append_printf (out, "%sA/AAAA %s: %s", out->len ? "; " : "", name->name,
                              name->error ? describe_error (name->error) : "no address");
    }
  return g_string_free (out, FALSE);
}

/* §4.3 failover: blacklisted targets go last, keeping their order. */
static GArray *
move_blacklisted_last (TcSipResolver *self, GArray *targets)
{
  GArray *ordered = g_array_sized_new (FALSE, TRUE, sizeof (TcSipTarget), targets->len);
  g_autofree gboolean *listed = g_new (gboolean, targets->len);

  g_array_set_clear_func (ordered, (GDestroyNotify) tc_sip_target_clear);
  for (guint i = 0; i < targets->len; i++)
    listed[i] = tc_sip_resolver_is_blacklisted (self, &g_array_index (targets, TcSipTarget, i));
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < targets->len; i++)
      if (listed[i] == (pass == 1))
        {
          TcSipTarget copy;

          tc_sip_target_copy (&copy, &g_array_index (targets, TcSipTarget, i));
          g_array_append_val (ordered, copy);
        }
  g_array_unref (targets);
  return ordered;
}

static void
lookup_complete (GTask *task)
{
  TcSipResolver *self = g_task_get_source_object (task);
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr (GArray) targets = move_blacklisted_last (self, lookup_assemble (lookup));
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *failure = NULL;

  lookup->returned = TRUE;
  if (targets->len == 0)
    {
      GError *error = NULL;

      failure = lookup_describe_failure (lookup);
      tc_debug ("resolver: %s: no target (%s)", lookup->uri, failure);
      tc_sip_set_error (&error, TC_SIP_ERROR_NO_TARGET, 503, "no server found for %s: %s", lookup->host, failure);
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < targets->len; i++)
    {
      g_autofree char *one = tc_sip_target_to_string (&g_array_index (targets, TcSipTarget, i));

      g_string_append_printf (text, "%s%s", i ? ", " : "", one);
    }
  tc_debug ("resolver: %s -> %s", lookup->uri, text->str);
  g_task_return_pointer (task, g_steal_pointer (&targets), (GDestroyNotify) g_array_unref);
}

/* Called whenever a query answers (and once at the start): moves on when
 * none is pending. */
static void
lookup_step (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);

  /* Cancellation returns at the first answer after it, without waiting
   * for the other queries (GResolver cancels them promptly anyway). */
  if (lookup->returned)
    return;
  if (g_task_return_error_if_cancelled (task))
    {
      lookup->returned = TRUE;
      return;
    }
  if (lookup->pending > 0)
    return;
  /* §4.2: no SRV record for any transport: A/AAAA of the host itself. */
  if (!lookup->direct_started && !lookup_found_srv (lookup))
    {
      lookup->direct_started = TRUE;
      if (lookup_start_name (task, lookup->host))
        return;
    }
  lookup_complete (task);
}

/* ---- planning (RFC 3263 §4.1 transport, §4.2 port and address) -------- */

static gboolean
is_supported (TcSipResolver *self, TcSipTransportType type)
{
  for (guint i = 0; i < self->n_transports; i++)
    {
      if (self->transports[i] == type)
        return TRUE;
    }
  return FALSE;
}

static void
add_srv (Lookup *lookup, TcSipTransportType type)
{
  lookup->srv[lookup->n_srv++].type = type;
}

static void
add_direct (Lookup *lookup, TcSipTransportType type)
{
  lookup->direct[lookup->n_direct++] = type;
}

/* The transport the URI names; FALSE with an error for one this stack
 * cannot use with its scheme. */
static gboolean
parse_transport_param (const TcSipUri *uri, gboolean sips, TcSipTransportType *type, GError **error)
{
  const char *param = tc_sip_uri_get_transport (uri);

  if (!tc_sip_transport_type_from_string (param, -1, type))
    {
      tc_sip_set_error (error, TC_SIP_ERROR_NO_TARGET, 503, "transport=%s is not supported", param);
      return FALSE;
    }
  if (!sips)
    return TRUE;
  /* RFC 3261 §26.2.2 / RFC 5630 §3.1.3: a sips: URI is reached over TLS
   * hop by hop; transport=tcp means TLS over TCP. */
  switch (*type)
    {
    case TC_SIP_TRANSPORT_UDP:
      tc_sip_set_error (error, TC_SIP_ERROR_NO_TARGET, 503, "a sips: URI cannot use transport=udp");
      return FALSE;
    case TC_SIP_TRANSPORT_TCP:
    case TC_SIP_TRANSPORT_TLS:
      *type = TC_SIP_TRANSPORT_TLS;
      return TRUE;
    case TC_SIP_TRANSPORT_WS:
    case TC_SIP_TRANSPORT_WSS:
      *type = TC_SIP_TRANSPORT_WSS;
      return TRUE;
    }
  g_return_val_if_reached (FALSE);
}

/* §4.1 and §4.2: the SRV queries to make and the transports to use with
 * the A/AAAA records of the host. */
static gboolean
plan_transports (TcSipResolver *self, Lookup *lookup, const TcSipUri *uri, gboolean numeric, GError **error)
{
  gboolean sips = tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_SIPS;
  TcSipTransportType type;

  if (tc_sip_uri_get_transport (uri))
    {
      /* §4.1: an explicit transport parameter is used as it is. */
      if (!parse_transport_param (uri, sips, &type, error))
        return FALSE;
      if (!numeric && !lookup->port && type != TC_SIP_TRANSPORT_WS && type != TC_SIP_TRANSPORT_WSS)
        add_srv (lookup, type);
      add_direct (lookup, type);
    }
  else if (numeric || lookup->port)
    {
      /* §4.1: a numeric host or an explicit port: UDP for sip, TLS for sips. */
      if (sips)
        add_direct (lookup, TC_SIP_TRANSPORT_TLS);
      else
        add_direct (lookup, is_supported (self, TC_SIP_TRANSPORT_UDP) ? TC_SIP_TRANSPORT_UDP : self->transports[0]);
    }
  else if (sips)
    {
      if (!is_supported (self, TC_SIP_TRANSPORT_TLS))
        {
          tc_sip_set_error (error, TC_SIP_ERROR_NO_TARGET, 503, "%s needs TLS, which is not enabled", lookup->uri);
          return FALSE;
        }
      add_srv (lookup, TC_SIP_TRANSPORT_TLS);
      add_direct (lookup, TC_SIP_TRANSPORT_TLS);
    }
  else
    {
      /* §4.1 without NAPTR: SRV for every transport we support, in our
       * preference order (RFC 7118 defines no SRV for WebSocket).  §4.2:
       * without SRV, A/AAAA with UDP — and TCP after it, when supported,
       * for messages too large for UDP (RFC 3261 §18.1.1). */
      for (guint i = 0; i < self->n_transports; i++)
        {
          type = self->transports[i];
          if (type == TC_SIP_TRANSPORT_UDP || type == TC_SIP_TRANSPORT_TCP || type == TC_SIP_TRANSPORT_TLS)
            add_srv (lookup, type);
          if (type == TC_SIP_TRANSPORT_UDP || type == TC_SIP_TRANSPORT_TCP)
            add_direct (lookup, type);
        }
      if (lookup->n_direct == 0)
        add_direct (lookup, self->transports[0]);
    }
  return TRUE;
}

/* Decides which queries @lookup makes for @uri. */
static gboolean
lookup_plan (TcSipResolver *self, Lookup *lookup, const TcSipUri *uri, GError **error)
{
  const char *maddr = tc_sip_uri_get_maddr (uri);
  const char *host = maddr ? maddr : tc_sip_uri_get_host (uri);
  g_autoptr (GInetAddress) numeric = NULL;

  if (tc_sip_uri_get_scheme (uri) == TC_SIP_URI_SCHEME_TEL || !host || !*host)
    {
      tc_sip_set_error (error, TC_SIP_ERROR_UNSUPPORTED_SCHEME, 416, "%s has no host to send to", lookup->uri);
      return FALSE;
    }
  /* §4: the TARGET is maddr if present, else the host; maddr may be an
   * IPv6 reference. */
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    lookup->host = g_strndup (host + 1, strlen (host) - 2);
  else
    lookup->host = g_strdup (host);
  numeric = g_inet_address_new_from_string (lookup->host);
  /* RFC 5922 §4: TLS verifies the domain the URI named, not an SRV
   * target's name nor an address. */
  if (tc_sip_uri_get_host_type (uri) == TC_SIP_HOST_NAME)
    lookup->server_name = g_strdup (tc_sip_uri_get_host (uri));
  lookup->port = tc_sip_uri_get_port (uri);

  if (!plan_transports (self, lookup, uri, numeric != NULL, error))
    return FALSE;
  if (numeric)
    {
      NameQuery *query = g_new0 (NameQuery, 1);

      query->name = g_strdup (lookup->host);
      query->addresses = g_list_prepend (NULL, g_steal_pointer (&numeric));
      g_ptr_array_add (lookup->names, query);
    }
  return TRUE;
}

/* ---- the blacklist ------------------------------------------------------ */

static void
blacklist_entry_clear (gpointer data)
{
  tc_sip_target_clear (&((BlacklistEntry *) data)->target);
}

static void
blacklist_expire (TcSipResolver *self)
{
  gint64 now = tc_sip_clock_now (self->clock);

  for (guint i = self->blacklist->len; i > 0; i--)
    {
      if (g_array_index (self->blacklist, BlacklistEntry, i - 1).expires_us <= now)
        g_array_remove_index (self->blacklist, i - 1);
    }
}

/**
 * tc_sip_resolver_blacklist:
 * @self: a #TcSipResolver
 * @target: a target that failed (transport error, timeout, 503)
 * @duration_us: how long to keep it behind the others, in microseconds of
 *   the resolver's clock
 *
 * RFC 3263 §4.3: lookups return @target (the same transport, address and
 * port, or for a WebSocket target without address the same URL) after
 * every other target until @duration_us have passed.  Blacklisting a
 * target again restarts its period.
 */
void
tc_sip_resolver_blacklist (TcSipResolver *self, const TcSipTarget *target, gint64 duration_us)
{
  BlacklistEntry entry;

  g_return_if_fail (TC_SIP_IS_RESOLVER (self));
  g_return_if_fail (target != NULL);

  blacklist_expire (self);
  for (guint i = 0; i < self->blacklist->len; i++)
    {
      BlacklistEntry *listed = &g_array_index (self->blacklist, BlacklistEntry, i);

      if (same_server (&listed->target, target))
        {
          listed->expires_us = tc_sip_clock_now (self->clock) + duration_us;
          return;
        }
    }
  if (duration_us <= 0)
    return;
  tc_sip_target_copy (&entry.target, target);
  entry.expires_us = tc_sip_clock_now (self->clock) + duration_us;
  g_array_append_val (self->blacklist, entry);
  {
    g_autofree char *text = tc_sip_target_to_string (target);

    tc_debug ("resolver: %s blacklisted for %" G_GINT64_FORMAT " ms", text, duration_us / 1000);
  }
}

/**
 * tc_sip_resolver_is_blacklisted:
 * @self: a #TcSipResolver
 * @target: a target
 *
 * Returns: %TRUE if @target was blacklisted and its period has not yet
 *   ended on the resolver's clock
 */
gboolean
tc_sip_resolver_is_blacklisted (TcSipResolver *self, const TcSipTarget *target)
{
  g_return_val_if_fail (TC_SIP_IS_RESOLVER (self), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  blacklist_expire (self);
  for (guint i = 0; i < self->blacklist->len; i++)
    {
      if (same_server (&g_array_index (self->blacklist, BlacklistEntry, i).target, target))
        return TRUE;
    }
  return FALSE;
}

/* ---- the object --------------------------------------------------------- */

static void
tc_sip_resolver_dispose (GObject *object)
{
  TcSipResolver *self = TC_SIP_RESOLVER (object);

  g_clear_object (&self->resolver);
  G_OBJECT_CLASS (tc_sip_resolver_parent_class)->dispose (object);
}

static void
tc_sip_resolver_finalize (GObject *object)
{
  TcSipResolver *self = TC_SIP_RESOLVER (object);

  g_clear_pointer (&self->clock, tc_sip_clock_unref);
  g_clear_pointer (&self->blacklist, g_array_unref);
  G_OBJECT_CLASS (tc_sip_resolver_parent_class)->finalize (object);
}

static void
tc_sip_resolver_class_init (TcSipResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_sip_resolver_dispose;
  object_class->finalize = tc_sip_resolver_finalize;
}

static void
tc_sip_resolver_init (TcSipResolver *self)
{
  static const TcSipTransportType defaults[] = { TC_SIP_TRANSPORT_UDP, TC_SIP_TRANSPORT_TCP, TC_SIP_TRANSPORT_TLS };

  memcpy (self->transports, defaults, sizeof defaults);
  self->n_transports = G_N_ELEMENTS (defaults);
  self->family = G_SOCKET_FAMILY_INVALID;
  self->blacklist = g_array_new (FALSE, FALSE, sizeof (BlacklistEntry));
  g_array_set_clear_func (self->blacklist, blacklist_entry_clear);
}

/**
 * tc_sip_resolver_new:
 * @resolver: (nullable): the DNS resolver; %NULL for g_resolver_get_default()
 * @clock: the clock blacklist entries expire on
 *
 * Returns: (transfer full): a new #TcSipResolver using UDP, TCP and TLS,
 *   in that order, and the system resolver's address order
 */
TcSipResolver *
tc_sip_resolver_new (GResolver *resolver, TcSipClock *clock)
{
  TcSipResolver *self;

  g_return_val_if_fail (resolver == NULL || G_IS_RESOLVER (resolver), NULL);
  g_return_val_if_fail (clock != NULL, NULL);

  self = g_object_new (TC_SIP_TYPE_RESOLVER, NULL);
  self->resolver = resolver ? g_object_ref (resolver) : g_resolver_get_default ();
  self->clock = tc_sip_clock_ref (clock);
  return self;
}

/**
 * tc_sip_resolver_set_transports:
 * @self: a #TcSipResolver
 * @types: (array length=n_types): the transports this stack can use, most
 *   preferred first; duplicates are ignored
 * @n_types: the number of @types, at least 1
 *
 * Sets the transports queried for a domain without transport parameter
 * (UDP, TCP and TLS take part in SRV; WS and WSS are used only when a URI
 * names them) and their order.  The default is UDP, TCP, TLS.  Applies to
 * lookups started afterwards.
 */
void
tc_sip_resolver_set_transports (TcSipResolver *self, const TcSipTransportType *types, guint n_types)
{
  g_return_if_fail (TC_SIP_IS_RESOLVER (self));
  g_return_if_fail (types != NULL && n_types > 0);

  for (guint i = 0; i < n_types; i++)
    g_return_if_fail ((guint) types[i] < TC_SIP_N_TRANSPORTS);

  self->n_transports = 0;
  for (guint i = 0; i < n_types; i++)
    {
      if (!is_supported (self, types[i]))
        self->transports[self->n_transports++] = types[i];
    }
}

/**
 * tc_sip_resolver_set_family_preference:
 * @self: a #TcSipResolver
 * @family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6 to try the
 *   addresses of that family first, %G_SOCKET_FAMILY_INVALID (the default)
 *   to keep the system resolver's order
 *
 * The preference orders the addresses of each host name; it does not
 * override SRV priorities nor the transport order.
 */
void
tc_sip_resolver_set_family_preference (TcSipResolver *self, GSocketFamily family)
{
  g_return_if_fail (TC_SIP_IS_RESOLVER (self));
  g_return_if_fail (family == G_SOCKET_FAMILY_INVALID || family == G_SOCKET_FAMILY_IPV4 ||
                    family == G_SOCKET_FAMILY_IPV6);

  self->family = family;
}

/**
 * tc_sip_resolver_lookup_async:
 * @self: a #TcSipResolver
 * @uri: the next hop: a sip: or sips: URI
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once, from the thread-default main context, never
 *   before this function has returned
 * @user_data: data for @callback
 *
 * Locates the servers for @uri (RFC 3263 §4):
 *  - the target host is the maddr parameter if present, else the host;
 *  - a transport parameter is obeyed (for sips:, tcp means TLS and ws
 *    means WSS); else sips: means TLS; else a numeric host or an explicit
 *    port means UDP (or the first supported transport without UDP);
 *  - a host name without port is looked up in SRV (_sip._udp, _sip._tcp,
 *    _sips._tcp for the supported transports, or only the one the URI
 *    names), and each SRV target's A/AAAA records; without any SRV record,
 *    the host's A/AAAA records with the transports' default ports (UDP,
 *    then TCP for sip:);
 *  - WS/WSS targets carry a "ws://host:port/" URL and, when it resolves,
 *    an address.
 *
 * The queries run concurrently.  TLS and WSS targets carry the URI's host
 * as server name (RFC 5922).  Blacklisted targets come last.
 */
void
tc_sip_resolver_lookup_async (TcSipResolver *self, const TcSipUri *uri, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  Lookup *lookup;

  g_return_if_fail (TC_SIP_IS_RESOLVER (self));
  g_return_if_fail (uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tc_sip_resolver_lookup_async);
  g_task_set_name (task, "[tincan-sip] resolver lookup");
  lookup = g_new0 (Lookup, 1);
  lookup->uri = tc_sip_uri_to_string (uri);
  lookup->family = self->family;
  lookup->names = g_ptr_array_new_with_free_func (name_query_free);
  g_task_set_task_data (task, lookup, lookup_free);

  /* GTask defers a return made here to the next main loop iteration. */
  if (!lookup_plan (self, lookup, uri, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (lookup->n_srv > 0)
    {
      for (guint i = 0; i < lookup->n_srv; i++)
        lookup_start_srv (task, &lookup->srv[i]);
      return;
    }
  lookup_step (task);
}

/**
 * tc_sip_resolver_lookup_finish:
 * @self: a #TcSipResolver
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type TcSipTarget): the targets in the
 *   order to try them, never empty, with tc_sip_target_clear() as clear
 *   function; %NULL with %TC_SIP_ERROR_NO_TARGET (its message naming the
 *   host and each query with its outcome), %TC_SIP_ERROR_UNSUPPORTED_SCHEME
 *   for a tel: URI, or %G_IO_ERROR_CANCELLED
 */
GArray *
tc_sip_resolver_lookup_finish (TcSipResolver *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (TC_SIP_IS_RESOLVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tc_sip_resolver_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
