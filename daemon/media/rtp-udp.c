/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtp-udp.c — TcRtpUdp: the plain UDP RTP transport.
 *
 * Receiving: every RTP packet wakes the main loop, and GLib's poll()
 * costs time in proportion to the fds it watches.  With one GSource per
 * socket, 100 calls put 200 fds in every wake-up.  So the sockets of all
 * transports on one GMainContext share one epoll instance, and the main
 * loop watches its single fd (RtpPoller): a wake-up costs the same with
 * one call as with a hundred.
 */
#include "media/rtp-udp.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "media/media-error.h"

/* Datagrams read per wake-up before the main loop gets a turn. */
#define RECV_BATCH 32
/* Larger than any audio packet; a longer datagram is dropped. */
#define RECV_MAX 4096
/* Attempts to find p, p + 1 both free when any port will do. */
#define ANY_PORT_ATTEMPTS 16

enum {
  SOCK_RTP,
  SOCK_RTCP,
  N_SOCKS,
};

typedef struct {
  struct sockaddr_storage storage;
  socklen_t len; /* 0: no remote */
} RemoteAddress;

typedef struct _RtpPoller RtpPoller;

struct _TcRtpUdp {
  TcRtpTransport parent_instance;

  GMainContext *context;
  RtpPoller *poller;
  guint64 registrations[N_SOCKS]; /* ids in the poller, 0: none */
  GSocket *sockets[N_SOCKS];
  GInetSocketAddress *local[N_SOCKS];

  /* send() runs on streaming threads: the remote and the sockets' fds are
   * read under this lock, and close() clears the fds under it. */
  GMutex lock;
  int fds[N_SOCKS]; /* -1 once closed */
  RemoteAddress remote[N_SOCKS];
  gboolean rtcp_mux;
};

G_DEFINE_FINAL_TYPE (TcRtpUdp, tc_rtp_udp, TC_TYPE_RTP_TRANSPORT)

/* ---- receive ------------------------------------------------------------ */

static void
read_socket (TcRtpUdp *self, guint index)
{
  /* RFC 5761: only the RTP socket carries both once muxed; an RTCP socket
   * carries RTCP whatever its bytes look like. */
  TcRtpComponent component = index == SOCK_RTP ? TC_RTP_COMPONENT_RTP : TC_RTP_COMPONENT_RTCP;
  gboolean muxed = index == SOCK_RTP;
  G_GNUC_UNUSED g_autoptr (TcRtpUdp) ref = g_object_ref (self);

  for (guint i = 0; i < RECV_BATCH && self->sockets[index]; i++)
    {
      guint8 buffer[RECV_MAX];
      ssize_t n = recv (g_socket_get_fd (self->sockets[index]), buffer, sizeof buffer, MSG_DONTWAIT | MSG_TRUNC);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          /* ECONNREFUSED and friends: an ICMP error for something we
           * sent (the peer's port is closed).  Not ours to act on: the
           * RTP timeout decides when a silent peer is a failure. */
          continue;
        }
      if ((gsize) n > sizeof buffer)
        {
          g_debug ("rtp-udp: datagram of %zd bytes dropped (larger than %d)", n, RECV_MAX);
          continue;
        }
      /* May close this transport, or others. */
      tc_rtp_transport_deliver (TC_RTP_TRANSPORT (self), component, muxed, buffer, (gsize) n, g_get_monotonic_time ());
    }
}

/* ---- the shared poller ----------------------------------------------------- */

#define POLL_BATCH 64

typedef struct {
  TcRtpUdp *udp; /* not a reference: unregistered before it goes */
  guint index;
} Registration;

struct _RtpPoller {
  GSource source;
  GMainContext *context;
  int epfd;
  GHashTable *registrations; /* guint64 id → Registration; ids are never reused */
  guint64 next_id;
  guint users;
};

/* GMainContext → RtpPoller.  Contexts may belong to different threads. */
static GHashTable *pollers;
G_LOCK_DEFINE_STATIC (pollers);

static gboolean
poller_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  RtpPoller *poller = (RtpPoller *) source;
  struct epoll_event events[POLL_BATCH];
  int n = epoll_wait (poller->epfd, events, POLL_BATCH, 0);

  for (int i = 0; i < n && !g_source_is_destroyed (source); i++)
    {
      /* Looked up per event: a callback may have closed a transport whose
       * event is further down this batch. */
      Registration *registration = g_hash_table_lookup (poller->registrations, &events[i].data.u64);

      if (registration)
        read_socket (registration->udp, registration->index);
    }
  return G_SOURCE_CONTINUE;
}

static void
poller_finalize (GSource *source)
{
  RtpPoller *poller = (RtpPoller *) source;

  close (poller->epfd);
  g_hash_table_unref (poller->registrations);
}

static GSourceFuncs poller_funcs = {
  NULL, /* dispatched when the epoll fd is readable */
  NULL, poller_dispatch, poller_finalize, NULL, NULL,
};

static RtpPoller *
poller_acquire (GMainContext *context, GError **error)
{
  RtpPoller *poller;

  G_LOCK (pollers);
  if (!pollers)
    pollers = g_hash_table_new (NULL, NULL);
  poller = g_hash_table_lookup (pollers, context);
  if (!poller)
    {
      int epfd = epoll_create1 (EPOLL_CLOEXEC);

      if (epfd < 0)
        {
          int saved = errno;

          G_UNLOCK (pollers);
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT, "epoll_create1: %s", g_strerror (saved));
          return NULL;
        }
      poller = (RtpPoller *) g_source_new (&poller_funcs, sizeof (RtpPoller));
      poller->context = context;
      poller->epfd = epfd;
      poller->registrations = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
      g_source_add_unix_fd (&poller->source, epfd, G_IO_IN);
      g_source_set_static_name (&poller->source, "tincan-rtp-poller");
      g_source_attach (&poller->source, context);
      g_hash_table_insert (pollers, context, poller);
    }
  poller->users++;
  G_UNLOCK (pollers);
  return poller;
}

static void
poller_release (RtpPoller *poller)
{
  G_LOCK (pollers);
  if (--poller->users == 0)
    {
      g_hash_table_remove (pollers, poller->context);
      g_source_destroy (&poller->source);
      g_source_unref (&poller->source);
    }
  G_UNLOCK (pollers);
}

static guint64
poller_add (RtpPoller *poller, TcRtpUdp *udp, guint index, int fd)
{
  guint64 *key = g_new (guint64, 1);
  Registration *registration = g_new0 (Registration, 1);
  struct epoll_event event = { 0 };

  *key = ++poller->next_id;
  registration->udp = udp;
  registration->index = index;
  g_hash_table_insert (poller->registrations, key, registration);
  /* Level-triggered: a batch left unread is reported again. */
  event.events = EPOLLIN;
  event.data.u64 = *key;
  if (epoll_ctl (poller->epfd, EPOLL_CTL_ADD, fd, &event) != 0)
    g_debug ("rtp-udp: epoll_ctl: %s", g_strerror (errno));
  return *key;
}

static void
poller_remove (RtpPoller *poller, guint64 id, int fd)
{
  epoll_ctl (poller->epfd, EPOLL_CTL_DEL, fd, NULL);
  g_hash_table_remove (poller->registrations, &id);
}

/* ---- binding ------------------------------------------------------------ */

static GSocket *
bind_socket (GInetAddress *address, guint port, GError **error)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (!socket)
    return NULL;
  g_socket_set_blocking (socket, FALSE);
  socket_address = g_inet_socket_address_new (address, port);
  if (!g_socket_bind (socket, socket_address, FALSE, error))
    return NULL;
  return g_steal_pointer (&socket);
}

static guint
bound_port (GSocket *socket)
{
  g_autoptr (GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return address ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)) : 0;
}

/* RTP on any free port p, RTCP on p + 1 if free (tried a few times with
 * other ports), else on any free port. */
static gboolean
bind_any (GInetAddress *address, GSocket **rtp, GSocket **rtcp, GError **error)
{
  for (guint attempt = 0; attempt < ANY_PORT_ATTEMPTS; attempt++)
    {
      g_autoptr (GSocket) first = bind_socket (address, 0, error);
      guint port;

      if (!first)
        return FALSE;
      port = bound_port (first);
      if (port > 0 && port < 65535)
        {
          GSocket *second = bind_socket (address, port + 1, NULL);

          if (second)
            {
              *rtp = g_steal_pointer (&first);
              *rtcp = second;
              return TRUE;
            }
        }
    }
  *rtp = bind_socket (address, 0, error);
  if (!*rtp)
    return FALSE;
  *rtcp = bind_socket (address, 0, error);
  if (!*rtcp)
    {
      g_clear_object (rtp);
      return FALSE;
    }
  return TRUE;
}

/* An even RTP port and the odd one above it, both in [min, max], starting
 * at a random pair so that concurrent calls spread over the range. */
static gboolean
bind_range (GInetAddress *address, guint min, guint max, GSocket **rtp, GSocket **rtcp, GError **error)
{
  guint first = (min + 1) & ~1u;
  guint n_pairs = max > first ? (max - first + 1) / 2 : 0;
  guint start;

  if (n_pairs == 0)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT,
                   "the RTP port range %u-%u holds no even/odd port pair", min, max);
      return FALSE;
    }
  start = g_random_int_range (0, (gint32) n_pairs);
  for (guint i = 0; i < n_pairs; i++)
    {
      guint port = first + 2 * ((start + i) % n_pairs);
      g_autoptr (GSocket) even = bind_socket (address, port, NULL);
      GSocket *odd;

      if (!even)
        continue;
      odd = bind_socket (address, port + 1, NULL);
      if (!odd)
        continue;
      *rtp = g_steal_pointer (&even);
      *rtcp = odd;
      return TRUE;
    }
  g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT, "no free RTP/RTCP port pair in %u-%u", min, max);
  return FALSE;
}

TcRtpUdp *
tc_rtp_udp_new (const char *local_address, guint port_min, guint port_max, GError **error)
{
  g_autoptr (TcRtpUdp) self = NULL;
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GError) local = NULL;
  GSocket *rtp = NULL, *rtcp = NULL;
  gboolean bound;

  address = g_inet_address_new_from_string (local_address ? local_address : "0.0.0.0");
  if (!address)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT, "\"%s\" is not an IP address", local_address);
      return NULL;
    }
  if (port_min > port_max || port_max > 65535)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT, "bad RTP port range %u-%u", port_min, port_max);
      return NULL;
    }
  if (port_min == 0 && port_max == 0)
    bound = bind_any (address, &rtp, &rtcp, &local);
  else
    bound = bind_range (address, MAX (port_min, 1), port_max, &rtp, &rtcp, &local);
  if (!bound)
    {
      if (local->domain == TC_MEDIA_ERROR)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_TRANSPORT, "cannot bind an RTP port on %s: %s",
                     local_address ? local_address : "0.0.0.0", local->message);
      return NULL;
    }

  self = g_object_new (TC_TYPE_RTP_UDP, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->sockets[SOCK_RTP] = rtp;
  self->sockets[SOCK_RTCP] = rtcp;
  self->poller = poller_acquire (self->context, error);
  if (!self->poller)
    return NULL;
  for (guint i = 0; i < N_SOCKS; i++)
    {
      g_autoptr (GSocketAddress) bound_address = g_socket_get_local_address (self->sockets[i], NULL);

      self->local[i] = G_INET_SOCKET_ADDRESS (g_steal_pointer (&bound_address));
      self->fds[i] = g_socket_get_fd (self->sockets[i]);
      self->registrations[i] = poller_add (self->poller, self, i, self->fds[i]);
    }
  g_debug ("rtp-udp: bound on %s, rtp %u, rtcp %u", local_address ? local_address : "0.0.0.0",
           g_inet_socket_address_get_port (self->local[SOCK_RTP]),
           g_inet_socket_address_get_port (self->local[SOCK_RTCP]));
  return g_steal_pointer (&self);
}

/* ---- TcRtpTransport ------------------------------------------------------ */

static GInetSocketAddress *
tc_rtp_udp_get_local_address (TcRtpTransport *transport, TcRtpComponent component)
{
  TcRtpUdp *self = TC_RTP_UDP (transport);

  return self->local[component == TC_RTP_COMPONENT_RTCP ? SOCK_RTCP : SOCK_RTP];
}

static void
set_remote_address (RemoteAddress *remote, GInetSocketAddress *address)
{
  memset (remote, 0, sizeof *remote);
  if (address &&
      g_socket_address_to_native (G_SOCKET_ADDRESS (address), &remote->storage, sizeof remote->storage, NULL))
    remote->len = g_socket_address_get_native_size (G_SOCKET_ADDRESS (address));
}

static void
tc_rtp_udp_set_remote (TcRtpTransport *transport, GInetSocketAddress *rtp, GInetSocketAddress *rtcp, gboolean rtcp_mux)
{
  TcRtpUdp *self = TC_RTP_UDP (transport);

  g_mutex_lock (&self->lock);
  set_remote_address (&self->remote[SOCK_RTP], rtp);
  set_remote_address (&self->remote[SOCK_RTCP], rtcp_mux ? rtp : rtcp);
  self->rtcp_mux = rtcp_mux;
  g_mutex_unlock (&self->lock);
}

static gboolean
tc_rtp_udp_send (TcRtpTransport *transport, TcRtpComponent component, const guint8 *data, gsize size)
{
  TcRtpUdp *self = TC_RTP_UDP (transport);
  guint target = component == TC_RTP_COMPONENT_RTCP ? SOCK_RTCP : SOCK_RTP;
  ssize_t n = -1;

  /* Held across sendto() so that close() cannot pull the fd away under
   * us; a non-blocking datagram send takes microseconds. */
  g_mutex_lock (&self->lock);
  {
    /* Symmetric RTP: RTCP leaves from the socket it is expected on,
     * the RTP socket once muxed. */
    int fd = self->fds[self->rtcp_mux ? SOCK_RTP : target];
    const RemoteAddress *remote = &self->remote[target];

    if (fd >= 0 && remote->len > 0)
      n = sendto (fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *) &remote->storage, remote->len);
  }
  g_mutex_unlock (&self->lock);
  return n == (ssize_t) size;
}

static void
tc_rtp_udp_close (TcRtpTransport *transport)
{
  TcRtpUdp *self = TC_RTP_UDP (transport);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < N_SOCKS; i++)
    self->fds[i] = -1;
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < N_SOCKS; i++)
    {
      if (self->registrations[i])
        poller_remove (self->poller, self->registrations[i], g_socket_get_fd (self->sockets[i]));
      self->registrations[i] = 0;
      if (self->sockets[i])
        g_socket_close (self->sockets[i], NULL);
      g_clear_object (&self->sockets[i]);
    }
  g_clear_pointer (&self->poller, poller_release);
}

/* ---- GObject ------------------------------------------------------------- */

static void
tc_rtp_udp_dispose (GObject *object)
{
  tc_rtp_transport_close (TC_RTP_TRANSPORT (object));
  G_OBJECT_CLASS (tc_rtp_udp_parent_class)->dispose (object);
}

static void
tc_rtp_udp_finalize (GObject *object)
{
  TcRtpUdp *self = TC_RTP_UDP (object);

  for (guint i = 0; i < N_SOCKS; i++)
    g_clear_object (&self->local[i]);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (tc_rtp_udp_parent_class)->finalize (object);
}

static void
tc_rtp_udp_class_init (TcRtpUdpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcRtpTransportClass *transport_class = TC_RTP_TRANSPORT_CLASS (klass);

  object_class->dispose = tc_rtp_udp_dispose;
  object_class->finalize = tc_rtp_udp_finalize;
  transport_class->get_local_address = tc_rtp_udp_get_local_address;
  transport_class->set_remote = tc_rtp_udp_set_remote;
  transport_class->send = tc_rtp_udp_send;
  transport_class->close = tc_rtp_udp_close;
}

static void
tc_rtp_udp_init (TcRtpUdp *self)
{
  g_mutex_init (&self->lock);
  for (guint i = 0; i < N_SOCKS; i++)
    self->fds[i] = -1;
}
