/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * net-transport.c — TcSipNetTransport: the object, its configuration,
 * listening sockets, Via sent-by, and dispatch of sends to UDP
 * (net-udp.c) or streams (net-stream.c).
 */
#include "sip/net-transport.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>

#include "sip/debug.h"
#include "sip/net-transport-private.h"

G_DEFINE_FINAL_TYPE (TcSipNetTransport, tc_sip_net_transport, TC_SIP_TYPE_TRANSPORT)

/* ---- helpers shared by the parts ----------------------------------------- */

void
tc_sip_net_addr_init (TcSipNetAddr *key, GInetSocketAddress *address)
{
  GInetAddress *inet = g_inet_socket_address_get_address (address);
  gsize size = g_inet_address_get_native_size (inet);

  memset (key, 0, sizeof *key);
  key->family = g_inet_address_get_family (inet);
  key->port = g_inet_socket_address_get_port (address);
  memcpy (key->addr, g_inet_address_to_bytes (inet), MIN (size, sizeof key->addr));
}

guint
tc_sip_net_addr_hash (gconstpointer key)
{
  const TcSipNetAddr *addr = key;
  guint32 h = 2166136261u ^ addr->family;
  gsize n = addr->family == G_SOCKET_FAMILY_IPV6 ? 16 : 4;

  /* FNV-1a over the address bytes and the port */
  for (gsize i = 0; i < n; i++)
    h = (h ^ addr->addr[i]) * 16777619u;
  h = (h ^ (addr->port & 0xff)) * 16777619u;
  h = (h ^ (addr->port >> 8)) * 16777619u;
  return h;
}

gboolean
tc_sip_net_addr_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (TcSipNetAddr)) == 0;
}

guint
tc_sip_net_conn_key_hash (gconstpointer key)
{
  const TcSipNetConnKey *k = key;

  return tc_sip_net_addr_hash (&k->addr) ^ (k->type * 31u) ^ (k->server_name ? g_str_hash (k->server_name) : 0);
}

gboolean
tc_sip_net_conn_key_equal (gconstpointer a, gconstpointer b)
{
  const TcSipNetConnKey *ka = a, *kb = b;

  return ka->type == kb->type && tc_sip_net_addr_equal (&ka->addr, &kb->addr) &&
         g_strcmp0 (ka->server_name, kb->server_name) == 0;
}

int
tc_sip_net_family_index (GSocketFamily family)
{
  switch (family)
    {
    case G_SOCKET_FAMILY_IPV4:
      return 0;
    case G_SOCKET_FAMILY_IPV6:
      return 1;
    case G_SOCKET_FAMILY_INVALID:
    case G_SOCKET_FAMILY_UNIX:
      return -1;
    }
  return -1;
}

static void
append_address (GString *out, GInetSocketAddress *address)
{
  GInetAddress *inet;
  g_autofree char *text = NULL;

  if (!address)
    {
      g_string_append (out, "?");
      return;
    }
  inet = g_inet_socket_address_get_address (address);
  text = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    g_string_append_printf (out, "[%s]:%u", text, g_inet_socket_address_get_port (address));
  else
    g_string_append_printf (out, "%s:%u", text, g_inet_socket_address_get_port (address));
}

char *
tc_sip_net_describe (TcSipTransportType type, GInetSocketAddress *local, GInetSocketAddress *remote)
{
  GString *out = g_string_new (NULL);

  for (const char *p = tc_sip_transport_type_to_string (type); *p; p++)
    g_string_append_c (out, g_ascii_tolower (*p));
  g_string_append_c (out, ' ');
  append_address (out, local);
  g_string_append (out, " -> ");
  append_address (out, remote);
  return g_string_free (out, FALSE);
}

gint64
tc_sip_net_keepalive_delay (gint64 interval_us)
{
  /* RFC 5626 §4.4.1: a random time between 80 % and 100 % of the interval,
   * so that keepalives from many clients do not synchronize. */
  return interval_us - (gint64) (g_random_double () * 0.2 * (double) interval_us);
}

void
tc_sip_net_transport_emit_closed (TcSipNetTransport *self, TcSipFlow *flow, const GError *cause)
{
  G_GNUC_UNUSED g_autoptr (TcSipFlow) flow_ref = g_object_ref (flow);
  G_GNUC_UNUSED g_autoptr (TcSipNetTransport) self_ref = self ? g_object_ref (self) : NULL;

  tc_sip_flow_emit_closed (flow, cause);
  if (self)
    tc_sip_transport_emit_flow_closed (TC_SIP_TRANSPORT (self), flow, cause);
}

/* ---- configuration -------------------------------------------------------- */

/**
 * tc_sip_net_transport_config_init:
 * @config: (out caller-allocates): the configuration to fill
 *
 * Fills @config with the defaults documented at TcSipNetTransportConfig.
 */
void
tc_sip_net_transport_config_init (TcSipNetTransportConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  config->max_message_size = TC_SIP_PARSER_DEFAULT_MAX_MESSAGE_SIZE;
  config->max_connections = 1024;
  config->max_send_queue = 4 * 1024 * 1024;
  config->idle_timeout_us = 60 * G_TIME_SPAN_SECOND;
  config->read_timeout_us = 30 * G_TIME_SPAN_SECOND;
  config->connect_timeout_us = 10 * G_TIME_SPAN_SECOND;
  config->keepalive_interval_us = 0;
  config->keepalive_timeout_us = 10 * G_TIME_SPAN_SECOND;
}

/* ---- TcSipNetTransport ---------------------------------------------------- */

static void
listener_free (TcSipNetListener *listener)
{
  if (listener->source)
    {
      g_source_destroy (listener->source);
      g_source_unref (listener->source);
    }
  if (listener->socket)
    g_socket_close (listener->socket, NULL);
  g_clear_object (&listener->socket);
  g_clear_object (&listener->address);
  g_free (listener->sent_by_host);
  g_free (listener);
}

static void
tc_sip_net_transport_dispose (GObject *object)
{
  TcSipNetTransport *self = TC_SIP_NET_TRANSPORT (object);

  if (self->connections)
    {
      tc_sip_net_stream_shutdown (self);
      tc_sip_net_udp_shutdown (self);
    }
  for (guint t = 0; t < TC_SIP_NET_N_TYPES; t++)
    for (guint f = 0; f < 2; f++)
      g_clear_pointer (&self->listeners[t][f], listener_free);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (tc_sip_net_transport_parent_class)->dispose (object);
}

static void
tc_sip_net_transport_finalize (GObject *object)
{
  TcSipNetTransport *self = TC_SIP_NET_TRANSPORT (object);

  g_clear_pointer (&self->udp_flows, g_hash_table_unref);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->outgoing, g_hash_table_unref);
  g_clear_pointer (&self->connecting, g_hash_table_unref);
  g_clear_pointer (&self->handshakes, g_hash_table_unref);
  g_free (self->recv_bufs[0]); /* the whole batch (constructor) */
  g_free (self->read_buf);
  g_clear_object (&self->server_certificate);
  g_clear_object (&self->ca_database);
  g_free (self->advertised_host);
  g_clear_pointer (&self->clock, tc_sip_clock_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (tc_sip_net_transport_parent_class)->finalize (object);
}

static gboolean
tc_sip_net_transport_supports (TcSipTransport *transport, TcSipTransportType type)
{
  return type == TC_SIP_TRANSPORT_UDP || type == TC_SIP_TRANSPORT_TCP || type == TC_SIP_TRANSPORT_TLS;
}

static TcSipSendResult
tc_sip_net_transport_send (TcSipTransport *transport, GBytes *bytes, const TcSipTarget *target, TcSipFlow **flow_out,
                           TcSipSendCallback callback, gpointer user_data, GError **error)
{
  TcSipNetTransport *self = TC_SIP_NET_TRANSPORT (transport);

  if (!target->address ||
      tc_sip_net_family_index (g_socket_address_get_family (G_SOCKET_ADDRESS (target->address))) < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "no IP address to send to");
      return TC_SIP_SEND_FAILED;
    }
  switch (target->type)
    {
    case TC_SIP_TRANSPORT_UDP:
      return tc_sip_net_udp_send (self, bytes, target, flow_out, error);
    case TC_SIP_TRANSPORT_TCP:
    case TC_SIP_TRANSPORT_TLS:
      return tc_sip_net_stream_send (self, bytes, target, flow_out, callback, user_data, error);
    case TC_SIP_TRANSPORT_WS:
    case TC_SIP_TRANSPORT_WSS:
      break;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s is not supported by this transport",
               tc_sip_transport_type_to_string (target->type));
  return TC_SIP_SEND_FAILED;
}

static gboolean
tc_sip_net_transport_get_sent_by (TcSipTransport *transport, TcSipTransportType type, GSocketFamily family, char **host,
                                  guint16 *port)
{
  TcSipNetTransport *self = TC_SIP_NET_TRANSPORT (transport);
  int f = tc_sip_net_family_index (family);
  TcSipNetListener *listener;

  if (type > TC_SIP_TRANSPORT_TLS || f < 0)
    return FALSE;
  listener = self->listeners[type][f];
  if (!listener && type != TC_SIP_TRANSPORT_UDP)
    {
      /* A client that connects over TCP/TLS without listening there (no
       * certificate, say): responses come back over the connection
       * (§18.2.2), so sent-by only needs our host; the port is omitted. */
      TcSipNetListener *other = NULL;

      for (guint t = TC_SIP_TRANSPORT_UDP; t <= TC_SIP_TRANSPORT_TLS && !other; t++)
        other = self->listeners[t][f];
      if (!other)
        return FALSE;
      if (host)
        *host = g_strdup (self->advertised_host ? self->advertised_host : other->sent_by_host);
      if (port)
        *port = 0;
      return TRUE;
    }
  if (!listener)
    return FALSE;
  if (host)
    *host = g_strdup (self->advertised_host ? self->advertised_host : listener->sent_by_host);
  if (port)
    *port = g_inet_socket_address_get_port (listener->address);
  return TRUE;
}

static void
tc_sip_net_transport_class_init (TcSipNetTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSipTransportClass *transport_class = TC_SIP_TRANSPORT_CLASS (klass);

  object_class->dispose = tc_sip_net_transport_dispose;
  object_class->finalize = tc_sip_net_transport_finalize;
  transport_class->supports = tc_sip_net_transport_supports;
  transport_class->send = tc_sip_net_transport_send;
  transport_class->get_sent_by = tc_sip_net_transport_get_sent_by;
}

static void
tc_sip_net_transport_init (TcSipNetTransport *self)
{
  self->udp_flows = g_hash_table_new_full (tc_sip_net_addr_hash, tc_sip_net_addr_equal, NULL, g_object_unref);
  self->connections = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  self->outgoing = g_hash_table_new (tc_sip_net_conn_key_hash, tc_sip_net_conn_key_equal);
  /* Attempts and handshakes belong to their pending GIO operation, which
   * frees them when it completes, even after the transport gave them up. */
  self->connecting = g_hash_table_new (tc_sip_net_conn_key_hash, tc_sip_net_conn_key_equal);
  self->handshakes = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->context = g_main_context_ref_thread_default ();
}

/**
 * tc_sip_net_transport_new:
 * @config: (nullable): the configuration, or NULL for the defaults
 * @clock: the clock of every timer of the transport
 * @error: return location for an error
 *
 * Returns: (transfer full): a new transport listening nowhere yet, or NULL
 *   with @error set when a TLS file cannot be loaded
 */
TcSipNetTransport *
tc_sip_net_transport_new (const TcSipNetTransportConfig *config, TcSipClock *clock, GError **error)
{
  g_autoptr (TcSipNetTransport) self = NULL;
  TcSipNetTransportConfig defaults;

  g_return_val_if_fail (clock != NULL, NULL);

  if (!config)
    {
      tc_sip_net_transport_config_init (&defaults);
      config = &defaults;
    }
  self = g_object_new (TC_SIP_TYPE_NET_TRANSPORT, NULL);
  self->clock = tc_sip_clock_ref (clock);
  self->advertised_host = g_strdup (config->advertised_host);
  tc_sip_parser_limits_init (&self->limits);
  if (config->max_message_size)
    self->limits.max_message_size = config->max_message_size;
  self->max_connections = config->max_connections;
  self->max_send_queue = config->max_send_queue ? config->max_send_queue : G_MAXSIZE;
  self->idle_timeout_us = config->idle_timeout_us;
  self->read_timeout_us = config->read_timeout_us;
  self->connect_timeout_us = config->connect_timeout_us;
  self->keepalive_interval_us = config->keepalive_interval_us;
  self->keepalive_timeout_us = config->keepalive_timeout_us;

  /* One byte more than the limit, so an oversized datagram is seen as such.
   * One block for the batch: large enough for its own mapping, whose pages
   * only become resident as datagrams reach them (a few KiB of each
   * 64 KiB buffer, with SIP's usual sizes). */
  self->recv_buf_size = MIN (self->limits.max_message_size + 1, 65536);
  self->recv_bufs[0] = g_malloc ((gsize) self->recv_buf_size * TC_SIP_NET_UDP_BATCH);
  for (guint i = 1; i < TC_SIP_NET_UDP_BATCH; i++)
    self->recv_bufs[i] = self->recv_bufs[0] + (gsize) i * self->recv_buf_size;
  self->read_buf_size = 16384;
  self->read_buf = g_malloc (self->read_buf_size);

  self->client = g_socket_client_new ();
  g_socket_client_set_enable_proxy (self->client, FALSE);

  if (!tc_sip_net_tls_init (self, config, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* The host for Via sent-by when bound to a wildcard address: the first
 * up, non-loopback (and for IPv6, non-link-local) address of @family, else
 * the loopback address.  Computed once, at listen time. */
static char *
wildcard_sent_by_host (GSocketFamily family)
{
  struct ifaddrs *list = NULL;
  char *host = NULL;

  if (getifaddrs (&list) == 0)
    {
      for (struct ifaddrs *ifa = list; ifa && !host; ifa = ifa->ifa_next)
        {
          g_autoptr (GSocketAddress) address = NULL;
          GInetAddress *inet;

          if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != (family == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET))
            continue;
          address = g_socket_address_new_from_native (
            ifa->ifa_addr, family == G_SOCKET_FAMILY_IPV6 ? sizeof (struct sockaddr_in6) : sizeof (struct sockaddr_in));
          if (!G_IS_INET_SOCKET_ADDRESS (address))
            continue;
          inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
          if (g_inet_address_get_is_loopback (inet) || g_inet_address_get_is_link_local (inet))
            continue;
          host = g_inet_address_to_string (inet);
        }
      freeifaddrs (list);
    }
  if (!host)
    host = g_strdup (family == G_SOCKET_FAMILY_IPV6 ? "::1" : "127.0.0.1");
  return host;
}

/**
 * tc_sip_net_transport_listen:
 * @self: the transport
 * @type: %TC_SIP_TRANSPORT_UDP, %TC_SIP_TRANSPORT_TCP or %TC_SIP_TRANSPORT_TLS
 * @address: where to listen (port 0: any free port)
 * @error: return location for an error
 *
 * Opens the listening socket for @type and the family of @address.
 *
 * Returns: TRUE on success; FALSE with @error set when the address cannot
 *   be bound, one already listens for this type and family, or TLS has no
 *   certificate
 */
gboolean
tc_sip_net_transport_listen (TcSipNetTransport *self, TcSipTransportType type, GInetSocketAddress *address,
                             GError **error)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) bound = NULL;
  TcSipNetListener *listener;
  GInetAddress *inet;
  GSocketFamily family;
  gboolean udp = type == TC_SIP_TRANSPORT_UDP;
  int f;

  g_return_val_if_fail (TC_SIP_IS_NET_TRANSPORT (self), FALSE);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), FALSE);

  if (type > TC_SIP_TRANSPORT_TLS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "cannot listen for %s",
                   tc_sip_transport_type_to_string (type));
      return FALSE;
    }
  if (type == TC_SIP_TRANSPORT_TLS && !self->server_certificate)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   "cannot listen for TLS: no certificate configured (tls_certificate_file)");
      return FALSE;
    }
  inet = g_inet_socket_address_get_address (address);
  family = g_inet_address_get_family (inet);
  f = tc_sip_net_family_index (family);
  g_return_val_if_fail (f >= 0, FALSE);
  if (self->listeners[type][f])
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "already listening for %s over %s",
                   tc_sip_transport_type_to_string (type), f ? "IPv6" : "IPv4");
      return FALSE;
    }

  socket = g_socket_new (family, udp ? G_SOCKET_TYPE_DATAGRAM : G_SOCKET_TYPE_STREAM,
                         udp ? G_SOCKET_PROTOCOL_UDP : G_SOCKET_PROTOCOL_TCP, error);
  if (!socket)
    return FALSE;
  g_socket_set_blocking (socket, FALSE);
  /* GIO makes IPv6 sockets dual-stack; ours are IPv6-only so that an IPv4
   * listener can share the port. */
  if (family == G_SOCKET_FAMILY_IPV6 && !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, error))
    return FALSE;
  /* A UDP socket takes bursts while the main loop is busy elsewhere: a
   * request the kernel drops costs the peer a 500 ms retransmission.  Ask
   * for 4 MiB (the kernel caps it at net.core.rmem_max; best effort). */
  if (udp)
    {
      g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4 * 1024 * 1024, NULL);
      g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, 1024 * 1024, NULL);
    }
  /* allow_reuse: SO_REUSEADDR for streams (TIME_WAIT); for UDP GIO would
   * also set SO_REUSEPORT, which would let two transports share a port. */
  if (!g_socket_bind (socket, G_SOCKET_ADDRESS (address), !udp, error))
    {
      g_prefix_error (error, "cannot listen for %s: ", tc_sip_transport_type_to_string (type));
      return FALSE;
    }
  if (!udp)
    {
      g_socket_set_listen_backlog (socket, 128);
      if (!g_socket_listen (socket, error))
        return FALSE;
    }
  bound = g_socket_get_local_address (socket, error);
  if (!bound)
    return FALSE;

  listener = g_new0 (TcSipNetListener, 1);
  listener->transport = self;
  listener->type = type;
  listener->family = family;
  listener->socket = g_steal_pointer (&socket);
  listener->address = G_INET_SOCKET_ADDRESS (g_steal_pointer (&bound));
  listener->sent_by_host =
    g_inet_address_get_is_any (inet) ? wildcard_sent_by_host (family) : g_inet_address_to_string (inet);
  self->listeners[type][f] = listener;
  if (udp)
    tc_sip_net_udp_listener_start (listener);
  else
    tc_sip_net_stream_listener_start (listener);

  {
    g_autofree char *where = tc_sip_net_describe (type, listener->address, NULL);
    tc_debug ("listening on %s (sent-by %s)", where, listener->sent_by_host);
  }
  return TRUE;
}

/**
 * tc_sip_net_transport_get_local_address:
 * @self: the transport
 * @type: the transport type
 * @family: the address family
 *
 * Returns: (transfer none) (nullable): the bound listening address
 */
GInetSocketAddress *
tc_sip_net_transport_get_local_address (TcSipNetTransport *self, TcSipTransportType type, GSocketFamily family)
{
  int f = tc_sip_net_family_index (family);

  g_return_val_if_fail (TC_SIP_IS_NET_TRANSPORT (self), NULL);

  if (type > TC_SIP_TRANSPORT_TLS || f < 0 || !self->listeners[type][f])
    return NULL;
  return self->listeners[type][f]->address;
}

/**
 * tc_sip_net_transport_set_keepalive:
 * @self: the transport
 * @flow: a flow of @self
 * @interval_us: the keepalive interval, or 0 to stop keepalives
 *
 * Starts, changes or stops RFC 5626 keepalives on @flow.
 */
void
tc_sip_net_transport_set_keepalive (TcSipNetTransport *self, TcSipFlow *flow, gint64 interval_us)
{
  g_return_if_fail (TC_SIP_IS_NET_TRANSPORT (self));
  g_return_if_fail (interval_us >= 0);

  if (TC_SIP_IS_NET_UDP_FLOW (flow))
    tc_sip_net_udp_flow_set_keepalive (TC_SIP_NET_UDP_FLOW (flow), interval_us);
  else if (TC_SIP_IS_NET_STREAM_FLOW (flow))
    tc_sip_net_stream_flow_set_keepalive (TC_SIP_NET_STREAM_FLOW (flow), interval_us);
  else
    g_return_if_reached ();
}

/**
 * tc_sip_net_transport_get_n_connections:
 * @self: the transport
 *
 * Returns: the stream connections open or in their TLS handshake
 */
guint
tc_sip_net_transport_get_n_connections (TcSipNetTransport *self)
{
  g_return_val_if_fail (TC_SIP_IS_NET_TRANSPORT (self), 0);

  return g_hash_table_size (self->connections) + g_hash_table_size (self->handshakes);
}

/**
 * tc_sip_net_transport_lookup_flow:
 * @self: the transport
 * @type: the transport type
 * @remote: the peer's address
 * @server_name: (nullable): for TLS, the name the connection verified
 *
 * Returns: (transfer none) (nullable): the flow, if one is open
 */
TcSipFlow *
tc_sip_net_transport_lookup_flow (TcSipNetTransport *self, TcSipTransportType type, GInetSocketAddress *remote,
                                  const char *server_name)
{
  TcSipNetConnKey key;

  g_return_val_if_fail (TC_SIP_IS_NET_TRANSPORT (self), NULL);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (remote), NULL);

  if (type == TC_SIP_TRANSPORT_UDP)
    {
      tc_sip_net_addr_init (&key.addr, remote);
      return g_hash_table_lookup (self->udp_flows, &key.addr);
    }
  key.type = type;
  tc_sip_net_addr_init (&key.addr, remote);
  key.server_name = type == TC_SIP_TRANSPORT_TLS ? server_name : NULL;
  return g_hash_table_lookup (self->outgoing, &key);
}
