/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager.c — TcManager: endpoints, their SIP stacks, the accounts on disk
 * and the passwords.
 *
 * Stacks.  A peer-to-peer endpoint, and a registered one with "listen",
 * gets a stack of its own (UDP and TCP on one port); every other
 * registered endpoint shares one stack on an ephemeral port and is told
 * apart by the user part of its Contact.  Requests reach endpoints through
 * the UAS rules of RFC 3261 §8.2, applied once per stack (manager-uas.c).
 * CANCEL and BYE matching nothing, and merged requests, are answered by
 * the stack (481, 482).
 *
 * Removal.  A removed endpoint that was registered stays alive, off the
 * bus, until its un-REGISTER ends (its digest credentials may be needed
 * once more), then it is dropped.
 */
#include "core/manager-private.h"

#include "core/config.h"
#include "core/core-error.h"
#include "core/secrets.h"
#include "media/devices.h"
#include "sip/debug.h"
#include "sip/trace.h"

#define USER_AGENT "Tincan/" TC_VERSION
/* Client transactions in progress per destination (stack.h). */
#define MAX_OUTSTANDING 64
/* Registrations in progress at once, all endpoints together
 * (registration-window.h): enough to keep a registrar busy (Kamailio
 * takes some 5,000 REGISTERs per second here, answering each in a few
 * milliseconds), few enough that a burst of thousands costs little. */
#define REGISTRATION_WINDOW 128

struct _TcManager {
  GObject parent_instance;

  TcManagerConfig config;
  TcSipClock *clock;
  TcRegistrationWindow *registration_window;
  TcConfig *accounts;
  TcSecrets *secrets;
  GCancellable *cancellable;

  StackEntry *shared;
  GHashTable *stacks; /* TcEndpoint -> StackEntry it owns */
  GPtrArray *endpoints;
  GHashTable *by_id;
  GPtrArray *retiring; /* removed, still unregistering */

  TcMediaDeviceWatch *devices; /* from the first AudioDevices read on */
  GNetworkMonitor *network;
  gulong network_id;
  guint network_timer;

  /* The password look-ups of tc_manager_start() for endpoints on the
   * shared stack (possibly thousands): said in one line once all are done,
   * rather than one line each. */
  guint lookups_pending;
  guint lookups_found[TC_SECRET_STORE_MEMORY + 1]; /* by store; [NONE]: none stored */
};

G_DEFINE_FINAL_TYPE (TcManager, tc_manager, G_TYPE_OBJECT)

enum {
  SIGNAL_ENDPOINT_ADDED,
  SIGNAL_ENDPOINT_REMOVED,
  SIGNAL_AUDIO_DEVICES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
tc_manager_config_init (TcManagerConfig *config)
{
  memset (config, 0, sizeof *config);
  config->use_secret_service = TRUE;
  config->default_endpoint = TRUE;
  config->default_port = 5060;
}

/* ---- stacks ------------------------------------------------------------- */

static void
stack_entry_free (StackEntry *entry)
{
  g_clear_object (&entry->stack);
  g_clear_object (&entry->mux);
  g_clear_object (&entry->net);
  g_clear_object (&entry->ws);
  g_clear_pointer (&entry->by_user, g_hash_table_unref);
  g_free (entry);
}

/* "host", "host:port", "[v6]:port", "[v6]". */
static GInetSocketAddress *
parse_listen (const char *text, guint default_port, GError **error)
{
  g_autofree char *host = NULL;
  g_autoptr (GInetAddress) address = NULL;
  guint64 port = default_port;
  const char *colon;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (!close)
        goto bad;
      host = g_strndup (text + 1, close - text - 1);
      if (close[1] == ':' && !g_ascii_string_to_unsigned (close + 2, 10, 0, 65535, &port, NULL))
        goto bad;
    }
  else if ((colon = strrchr (text, ':')) && strchr (text, ':') == colon)
    {
      host = g_strndup (text, colon - text);
      if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
        goto bad;
    }
  else
    host = g_strdup (text);
  address = g_inet_address_new_from_string (host);
  if (!address)
    goto bad;
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, port));

bad:
  g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS,
               "listen: \"%s\" is not an IP address with an optional port", text);
  return NULL;
}

/* UDP and TCP on one port: @address's, else (when taken and
 * @fallback_to_any) any free one. */
static gboolean
listen_udp_tcp (TcSipNetTransport *net, GInetSocketAddress *address, gboolean fallback_to_any, GError **error)
{
  GInetAddress *host = g_inet_socket_address_get_address (address);
  GSocketFamily family = g_inet_address_get_family (host);
  guint port = g_inet_socket_address_get_port (address);
  g_autoptr (GError) local = NULL;

  for (guint attempt = 0; attempt < 8; attempt++)
    {
      g_autoptr (GInetSocketAddress) udp = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (host, port));
      g_autoptr (GInetSocketAddress) tcp = NULL;
      GInetSocketAddress *bound;

      g_clear_error (&local);
      if (!tc_sip_net_transport_listen (net, TC_SIP_TRANSPORT_UDP, udp, &local))
        {
          if (port != 0 && fallback_to_any && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
            {
              g_message ("port %u is taken: listening on a free port instead", port);
              port = 0;
              continue;
            }
          break;
        }
      bound = tc_sip_net_transport_get_local_address (net, TC_SIP_TRANSPORT_UDP, family);
      tcp = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (host, g_inet_socket_address_get_port (bound)));
      if (tc_sip_net_transport_listen (net, TC_SIP_TRANSPORT_TCP, tcp, &local))
        return TRUE;
      break;
    }
  g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_TRANSPORT, "cannot listen on port %u: %s", port,
               local ? local->message : "no free port");
  return FALSE;
}

/* @fallback_to_any: the port is a default, not the user's choice: when it
 * is taken, any free one will do. */
static StackEntry *
stack_entry_new (TcManager *self, const char *listen, guint default_port, gboolean fallback_to_any, gsize max_body,
                 GError **error)
{
  g_autoptr (GInetSocketAddress) address = NULL;
  TcSipNetTransportConfig net_config;
  TcSipStackConfig stack_config;
  StackEntry *entry;

  address = parse_listen (listen, default_port, error);
  if (!address)
    return NULL;

  entry = g_new0 (StackEntry, 1);
  entry->manager = self;
  tc_sip_net_transport_config_init (&net_config);
  if (self->config.read_timeout_ms)
    net_config.read_timeout_us = (gint64) self->config.read_timeout_ms * 1000;
  /* The endpoint's largest body plus 4 KiB of headers: larger input is
   * refused by the transport (513, or the connection closed). */
  net_config.max_message_size = MAX (65535, max_body + 4096);
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr (GError) local = NULL;

      entry->net = tc_sip_net_transport_new (&net_config, self->clock, error);
      if (!entry->net)
        {
          stack_entry_free (entry);
          return NULL;
        }
      if (listen_udp_tcp (entry->net, address, fallback_to_any, &local))
        break;
      g_clear_object (&entry->net);
      /* Port 0: the kernel's UDP port may be taken for TCP; try another. */
      if (g_inet_socket_address_get_port (address) != 0 || attempt == 8)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          stack_entry_free (entry);
          return NULL;
        }
    }
  entry->mux = tc_sip_transport_mux_new ();
  tc_sip_transport_mux_add (entry->mux, TC_SIP_TRANSPORT (entry->net));
  tc_sip_stack_config_init (&stack_config);
  stack_config.user_agent = USER_AGENT;
  /* Thousands of endpoints register at once at start-up: a window of
   * transactions per destination (later ones start as earlier ones
   * complete) keeps the burst within the socket buffers of both ends. */
  stack_config.max_outstanding = MAX_OUTSTANDING;
  entry->stack = tc_sip_stack_new (TC_SIP_TRANSPORT (entry->mux), NULL, self->clock, &stack_config);
  tc_manager_uas_attach (entry);
  entry->by_user = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return entry;
}

/* WebSocket only for stacks with an endpoint that uses it (libsoup is not
 * free to start). */
static gboolean
stack_entry_ensure_ws (StackEntry *entry, GError **error)
{
  TcSipWsTransportConfig config;

  if (entry->ws)
    return TRUE;
  tc_sip_ws_transport_config_init (&config);
  config.user_agent = USER_AGENT;
  entry->ws = tc_sip_ws_transport_new (&config, entry->manager->clock, error);
  if (!entry->ws)
    return FALSE;
  tc_sip_transport_mux_add (entry->mux, TC_SIP_TRANSPORT (entry->ws));
  return TRUE;
}

static char *
make_contact (StackEntry *entry, const char *user, const char *transport)
{
  TcSipTransportType type = TC_SIP_TRANSPORT_UDP;
  g_autofree char *host = NULL;
  guint16 port = 0;
  GSocketFamily family = G_SOCKET_FAMILY_IPV4;

  if (!tc_sip_net_transport_get_local_address (entry->net, TC_SIP_TRANSPORT_UDP, family))
    family = G_SOCKET_FAMILY_IPV6;
  if (transport && !tc_sip_transport_type_from_string (transport, -1, &type))
    type = TC_SIP_TRANSPORT_UDP;
  if (!tc_sip_transport_get_sent_by (TC_SIP_TRANSPORT (entry->mux), type, family, &host, &port) &&
      !tc_sip_transport_get_sent_by (TC_SIP_TRANSPORT (entry->mux), TC_SIP_TRANSPORT_UDP, family, &host, &port))
    return g_strdup ("");
  return g_strdup_printf ("sip:%s%s%s%s%s:%u%s%s", user ? user : "", user ? "@" : "", strchr (host, ':') ? "[" : "",
                          host, strchr (host, ':') ? "]" : "", port, type == TC_SIP_TRANSPORT_UDP ? "" : ";transport=",
                          type == TC_SIP_TRANSPORT_UDP ? "" : tc_sip_transport_type_to_string (type));
}

/* ---- endpoints ---------------------------------------------------------- */

static char *
make_id (TcManager *self, const TcEndpointSettings *settings)
{
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (settings->uri, -1, NULL);
  g_autoptr (GString) id = g_string_new (NULL);
  const char *user;
  gsize len = 0;

  user = uri ? tc_sip_uri_get_user (uri, &len) : NULL;
  if (user)
    g_string_append_len (id, user, len);
  if (uri)
    {
      g_string_append_c (id, '_');
      g_string_append (id, tc_sip_uri_get_host (uri));
    }
  for (gsize i = 0; i < id->len; i++)
    if (!g_ascii_isalnum (id->str[i]) && id->str[i] != '_')
      id->str[i] = '_';
  if (id->len == 0 || id->len > 48)
    g_string_assign (id, "endpoint");
  if (!g_hash_table_contains (self->by_id, id->str))
    return g_string_free (g_steal_pointer (&id), FALSE);
  for (guint n = 2;; n++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s_%u", id->str, n);

      if (!g_hash_table_contains (self->by_id, candidate))
        return g_steal_pointer (&candidate);
    }
}

static char *
make_contact_user (StackEntry *entry, const TcEndpointSettings *settings, const char *id)
{
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (settings->uri, -1, NULL);
  const char *user;
  gsize len = 0;

  user = uri ? tc_sip_uri_get_user (uri, &len) : NULL;
  if (user && len)
    {
      g_autofree char *candidate = g_strndup (user, len);

      if (!g_hash_table_contains (entry->by_user, candidate))
        return g_steal_pointer (&candidate);
    }
  return g_strdup (id);
}

/* Creates (not yet announced) the endpoint @id from finished @settings. */
static TcEndpoint *
build_endpoint (TcManager *self, const char *id, TcEndpointSettings *settings, guint default_port,
                gboolean default_listen, GError **error)
{
  g_autoptr (TcEndpointSettings) owned = settings;
  g_autofree char *inbox_root = NULL;
  g_autofree char *contact_user = NULL;
  g_autofree char *contact = NULL;
  gboolean own = settings->kind == TC_ENDPOINT_KIND_PEER_TO_PEER || (settings->listen && *settings->listen);
  StackEntry *entry;
  TcEndpoint *endpoint;

  if (own)
    entry =
      stack_entry_new (self, settings->listen && *settings->listen ? settings->listen : "0.0.0.0", default_port,
                       default_listen || !(settings->listen && *settings->listen), settings->max_message_size, error);
  else
    {
      if (!self->shared)
        self->shared = stack_entry_new (self, "0.0.0.0:0", 0, FALSE, 1024 * 1024, error);
      entry = self->shared;
    }
  if (!entry)
    return NULL;
  if ((g_strcmp0 (settings->transport, "ws") == 0 || g_strcmp0 (settings->transport, "wss") == 0) &&
      !stack_entry_ensure_ws (entry, error))
    {
      if (own)
        stack_entry_free (entry);
      return NULL;
    }

  inbox_root = g_build_filename (self->config.data_dir, "inbox", NULL);
  contact_user = make_contact_user (entry, settings, id);
  contact = make_contact (entry, contact_user, settings->transport);
  endpoint = tc_endpoint_new (id, g_steal_pointer (&owned), entry->stack, contact_user, contact, inbox_root);
  tc_endpoint_set_registration_window (endpoint, self->registration_window);
  if (own)
    {
      entry->single = endpoint;
      g_hash_table_insert (self->stacks, endpoint, entry);
    }
  g_hash_table_insert (entry->by_user, g_strdup (contact_user), endpoint);
  return endpoint;
}

static void
announce_endpoint (TcManager *self, TcEndpoint *endpoint)
{
  g_ptr_array_add (self->endpoints, endpoint);
  g_hash_table_insert (self->by_id, g_strdup (tc_endpoint_get_id (endpoint)), endpoint);
  /* Endpoints with ports of their own are announced (the port may have
   * been chosen now); thousands on the shared stack only at debug level. */
  if (g_hash_table_contains (self->stacks, endpoint))
    g_message ("endpoint %s: %s (%s), contact %s", tc_endpoint_get_id (endpoint), tc_endpoint_get_uri (endpoint),
               tc_endpoint_kind_to_string (tc_endpoint_get_kind (endpoint)), tc_endpoint_get_contact (endpoint));
  else
    tc_debug ("endpoint %s: %s (%s), contact %s", tc_endpoint_get_id (endpoint), tc_endpoint_get_uri (endpoint),
              tc_endpoint_kind_to_string (tc_endpoint_get_kind (endpoint)), tc_endpoint_get_contact (endpoint));
  g_signal_emit (self, signals[SIGNAL_ENDPOINT_ADDED], 0, endpoint);
}

/* Drops @endpoint's stack entry (its own) or its name on the shared one. */
static void
release_endpoint (TcManager *self, TcEndpoint *endpoint)
{
  StackEntry *entry = g_hash_table_lookup (self->stacks, endpoint);

  if (entry)
    {
      g_hash_table_remove (self->stacks, endpoint);
      stack_entry_free (entry);
    }
  else if (self->shared)
    g_hash_table_remove (self->shared->by_user, tc_endpoint_get_contact_user (endpoint));
  g_object_unref (endpoint);
}

static void
on_retiring_state (TcEndpoint *endpoint, const char *state, const char *previous, guint status, const char *reason,
                   GVariant *details, TcManager *self)
{
  if (!tc_endpoint_is_settled (endpoint))
    return;
  g_signal_handlers_disconnect_by_data (endpoint, self);
  g_ptr_array_remove_fast (self->retiring, endpoint);
  release_endpoint (self, endpoint);
}

/* ---- loading ------------------------------------------------------------ */

typedef struct {
  TcManager *manager;
  TcEndpoint *endpoint;
} LookupData;

static void
report_shared_passwords (TcManager *self)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (self->lookups_found); i++)
    if (self->lookups_found[i])
      g_string_append_printf (text, "%s%s %u", text->len ? ", " : "",
                              i == TC_SECRET_STORE_NONE ? "none stored" : tc_secret_store_to_string ((TcSecretStore) i),
                              self->lookups_found[i]);
  if (text->len)
    g_message ("endpoints on the shared SIP stack, passwords: %s", text->str);
  memset (self->lookups_found, 0, sizeof self->lookups_found);
}

static void
on_password_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LookupData *data = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *password = NULL;
  TcSecretStore store = TC_SECRET_STORE_NONE;

  password = tc_secrets_lookup_finish (TC_SECRETS (source), result, &store, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      TcManager *self = data->manager;
      gboolean own = g_hash_table_contains (self->stacks, data->endpoint);

      if (!password)
        store = TC_SECRET_STORE_NONE;
      if (error)
        g_warning ("endpoint %s: no password: %s", tc_endpoint_get_id (data->endpoint), error->message);
      else if (!own)
        {
          if (store < G_N_ELEMENTS (self->lookups_found))
            self->lookups_found[store]++;
          tc_debug ("endpoint %s: password from the %s", tc_endpoint_get_id (data->endpoint),
                    password ? tc_secret_store_to_string (store) : "(none stored)");
        }
      else if (!password)
        g_message ("endpoint %s: no password is stored", tc_endpoint_get_id (data->endpoint));
      else
        g_message ("endpoint %s: password from the %s", tc_endpoint_get_id (data->endpoint),
                   tc_secret_store_to_string (store));
      if (!own)
        self->lookups_pending--;
      tc_endpoint_set_password (data->endpoint, password, store);
      if (!own && self->lookups_pending == 0)
        {
          report_shared_passwords (self);
          tc_registration_window_hold (self->registration_window, FALSE);
        }
    }
  g_object_unref (data->endpoint);
  g_free (data);
}

static void
create_default_endpoint (TcManager *self)
{
  g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  const char *user = g_get_user_name ();
  TcEndpoint *endpoint;

  uri = g_strdup_printf ("sip:%s@127.0.0.1", user && *user ? user : "tincan");
  if (!tc_endpoint_settings_set_text (settings, "uri", uri, &error) ||
      !tc_endpoint_settings_set_text (settings, "kind", "peer-to-peer", &error) ||
      !tc_endpoint_settings_set_text (settings, "listen", "127.0.0.1", &error) ||
      !tc_endpoint_settings_finish (settings, &error))
    {
      g_warning ("the default endpoint %s is not valid: %s", uri, error->message);
      return;
    }
  endpoint = build_endpoint (self, "default", g_steal_pointer (&settings), self->config.default_port, TRUE, &error);
  if (!endpoint)
    {
      g_warning ("the default endpoint cannot start: %s", error->message);
      return;
    }
  announce_endpoint (self, endpoint);
}

static void
on_network_settled (gpointer user_data)
{
  TcManager *self = user_data;

  self->network_timer = 0;
  g_message ("the network changed: renewing registrations");
  for (guint i = 0; i < self->endpoints->len; i++)
    tc_endpoint_network_changed (self->endpoints->pdata[i]);
}

static void
on_network_changed (GNetworkMonitor *monitor, gboolean available, TcManager *self)
{
  /* Changes come in bursts (an address, then routes): act once, when
   * they have settled. */
  tc_sip_clock_clear_timer (self->clock, &self->network_timer);
  if (available)
    self->network_timer = tc_sip_clock_add_timer (self->clock, 2 * G_USEC_PER_SEC, on_network_settled, self);
}

void
tc_manager_start (TcManager *self)
{
  g_autoptr (GPtrArray) problems = NULL;
  g_autoptr (GPtrArray) accounts = tc_config_load (self->accounts, &problems);

  for (guint i = 0; problems && i < problems->len; i++)
    {
      g_autofree char *text = tc_config_problem_to_string (problems->pdata[i]);

      g_warning ("account skipped: %s", text);
    }
  /* Registrations wait for the passwords of the shared stack's accounts
   * (on_password_looked_up releases them; registration-window.h). */
  tc_registration_window_hold (self->registration_window, TRUE);
  for (guint i = 0; i < accounts->len; i++)
    {
      TcConfigAccount *account = accounts->pdata[i];
      g_autoptr (GError) error = NULL;
      TcEndpoint *endpoint;
      LookupData *data;

      endpoint = build_endpoint (self, account->id, g_steal_pointer (&account->settings), 0, FALSE, &error);
      if (!endpoint)
        {
          g_warning ("account %s skipped: %s", account->id, error->message);
          continue;
        }
      announce_endpoint (self, endpoint);
      tc_endpoint_expect_password (endpoint);
      if (tc_endpoint_get_kind (endpoint) == TC_ENDPOINT_KIND_REGISTERED)
        tc_endpoint_register (endpoint, NULL);
      data = g_new0 (LookupData, 1);
      data->manager = self;
      data->endpoint = g_object_ref (endpoint);
      if (!g_hash_table_contains (self->stacks, endpoint))
        self->lookups_pending++;
      tc_secrets_lookup_async (self->secrets, account->id, self->cancellable, on_password_looked_up, data);
    }
  if (self->lookups_pending == 0)
    tc_registration_window_hold (self->registration_window, FALSE);
  if (accounts->len == 0 && problems->len == 0 && self->config.default_endpoint)
    create_default_endpoint (self);

  self->network = g_network_monitor_get_default ();
  self->network_id = g_signal_connect (self->network, "network-changed", G_CALLBACK (on_network_changed), self);
}

/* ---- creating and removing ---------------------------------------------- */

typedef struct {
  TcEndpoint *endpoint;
  char *password;
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_clear_object (&data->endpoint);
  if (data->password)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static void
on_password_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  TcManager *self = g_task_get_source_object (task);
  CreateData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  TcSecretStore store;

  store = tc_secrets_store_finish (TC_SECRETS (source), result, &error);
  if (error)
    {
      tc_config_remove (self->accounts, tc_endpoint_get_id (data->endpoint), NULL);
      release_endpoint (self, g_steal_pointer (&data->endpoint));
      g_task_return_new_error (task, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "the password could not be stored: %s",
                               error->message);
      return;
    }
  g_message ("endpoint %s: password stored in the %s", tc_endpoint_get_id (data->endpoint),
             tc_secret_store_to_string (store));
  tc_endpoint_set_password (data->endpoint, data->password, store);
  announce_endpoint (self, data->endpoint);
  g_task_return_pointer (task, g_steal_pointer (&data->endpoint), NULL);
}

void
tc_manager_create_endpoint_async (TcManager *self, TcEndpointSettings *settings, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (TcEndpointSettings) owned = settings;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  gboolean persist = settings->persist;
  CreateData *data;

  g_task_set_source_tag (task, tc_manager_create_endpoint_async);
  if (!tc_endpoint_settings_finish (settings, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  id = make_id (self, settings);
  data = g_new0 (CreateData, 1);
  data->password = g_strdup (settings->password);
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);
  data->endpoint = build_endpoint (self, id, g_steal_pointer (&owned), self->config.default_port, FALSE, &error);
  if (!data->endpoint)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (persist && !tc_config_save (self->accounts, id, tc_endpoint_get_settings (data->endpoint), &error))
    {
      release_endpoint (self, g_steal_pointer (&data->endpoint));
      g_task_return_new_error (task, TC_CORE_ERROR, TC_CORE_ERROR_FAILED, "the account could not be saved: %s",
                               error->message);
      return;
    }
  if (persist && data->password)
    {
      tc_secrets_store_async (self->secrets, id, tc_endpoint_get_uri (data->endpoint), data->password, NULL,
                              on_password_stored, g_steal_pointer (&task));
      return;
    }
  if (data->password)
    g_message ("endpoint %s: password kept in memory only", id);
  announce_endpoint (self, data->endpoint);
  g_task_return_pointer (task, g_steal_pointer (&data->endpoint), NULL);
}

TcEndpoint *
tc_manager_create_endpoint_finish (TcManager *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_password_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = user_data;

  if (!tc_secrets_clear_finish (TC_SECRETS (source), result, &error))
    g_warning ("endpoint %s: its stored password could not be removed: %s", id, error->message);
}

gboolean
tc_manager_remove_endpoint (TcManager *self, TcEndpoint *endpoint, GError **error)
{
  g_autoptr (GError) local = NULL;
  const char *id = tc_endpoint_get_id (endpoint);

  if (!g_hash_table_contains (self->by_id, id))
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_NOT_FOUND, "no endpoint %s", id);
      return FALSE;
    }
  if (!tc_config_remove (self->accounts, id, error))
    return FALSE;
  tc_secrets_clear_async (self->secrets, id, NULL, on_password_cleared, g_strdup (id));
  if (!tc_inbox_destroy (tc_endpoint_get_inbox (endpoint), &local))
    g_warning ("endpoint %s: its inbox could not be deleted: %s", id, local->message);

  /* Removed (off the bus) first: what its shutdown aborts is then
   * answered, and nothing more is emitted on its path. */
  g_object_ref (endpoint);
  g_hash_table_remove (self->by_id, id);
  g_ptr_array_remove (self->endpoints, endpoint);
  g_signal_emit (self, signals[SIGNAL_ENDPOINT_REMOVED], 0, endpoint);
  tc_endpoint_shutdown (endpoint);
  g_object_unref (endpoint);
  if (tc_endpoint_is_settled (endpoint))
    release_endpoint (self, endpoint);
  else
    {
      g_ptr_array_add (self->retiring, endpoint);
      g_signal_connect (endpoint, "registration-state-changed", G_CALLBACK (on_retiring_state), self);
    }
  return TRUE;
}

/* ---- shutdown ----------------------------------------------------------- */

typedef struct {
  guint poll_timer;
  guint deadline_timer;
} ShutdownData;

static gboolean
all_settled (TcManager *self)
{
  for (guint i = 0; i < self->endpoints->len; i++)
    if (!tc_endpoint_is_settled (self->endpoints->pdata[i]))
      return FALSE;
  return self->retiring->len == 0;
}

static void shutdown_check (gpointer user_data);

static void
shutdown_done (GTask *task)
{
  TcManager *self = g_task_get_source_object (task);
  ShutdownData *data = g_task_get_task_data (task);

  tc_sip_clock_clear_timer (self->clock, &data->poll_timer);
  tc_sip_clock_clear_timer (self->clock, &data->deadline_timer);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
shutdown_check (gpointer user_data)
{
  GTask *task = user_data;
  TcManager *self = g_task_get_source_object (task);
  ShutdownData *data = g_task_get_task_data (task);

  data->poll_timer = 0;
  if (all_settled (self))
    shutdown_done (task);
  else
    data->poll_timer = tc_sip_clock_add_timer (self->clock, 20 * 1000, shutdown_check, task);
}

static void
shutdown_deadline (gpointer user_data)
{
  GTask *task = user_data;
  TcManager *self = g_task_get_source_object (task);
  ShutdownData *data = g_task_get_task_data (task);

  data->deadline_timer = 0;
  g_message ("shutdown: some registrars did not answer in time; exiting anyway");
  (void) self;
  shutdown_done (task);
}

void
tc_manager_shutdown_async (TcManager *self, guint timeout_ms, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  ShutdownData *data = g_new0 (ShutdownData, 1);

  g_task_set_task_data (task, data, g_free);
  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < self->endpoints->len; i++)
    tc_endpoint_shutdown (self->endpoints->pdata[i]);
  data->deadline_timer = tc_sip_clock_add_timer (self->clock, (gint64) timeout_ms * 1000, shutdown_deadline, task);
  shutdown_check (task);
}

void
tc_manager_shutdown_finish (TcManager *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

/* ---- object ------------------------------------------------------------- */

GPtrArray *
tc_manager_get_endpoints (TcManager *self)
{
  return self->endpoints;
}

TcEndpoint *
tc_manager_lookup_endpoint (TcManager *self, const char *id)
{
  return g_hash_table_lookup (self->by_id, id);
}

void
tc_manager_set_trace (TcManager *self, gboolean enabled)
{
  tc_sip_trace_set_enabled (enabled);
  g_message ("SIP message trace %s", enabled ? "on (log domain tincan-sip-trace)" : "off");
}

gboolean
tc_manager_get_trace (TcManager *self)
{
  return tc_sip_trace_get_enabled ();
}

static void
on_devices_changed (gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_AUDIO_DEVICES_CHANGED], 0);
}

GVariant *
tc_manager_get_audio_devices (TcManager *self)
{
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (TC_IS_MANAGER (self), NULL);

  if (!self->devices)
    self->devices = tc_media_device_watch_new (on_devices_changed, self, &error);
  if (!self->devices)
    {
      g_message ("no audio device list: %s", error->message);
      return g_variant_new ("aa{sv}", NULL);
    }
  return tc_media_device_watch_list (self->devices);
}

static void
tc_manager_dispose (GObject *object)
{
  TcManager *self = TC_MANAGER (object);

  g_clear_pointer (&self->devices, tc_media_device_watch_free);
  if (self->network_id)
    g_clear_signal_handler (&self->network_id, self->network);
  if (self->clock)
    tc_sip_clock_clear_timer (self->clock, &self->network_timer);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  while (self->endpoints && self->endpoints->len)
    {
      TcEndpoint *endpoint = g_ptr_array_steal_index (self->endpoints, self->endpoints->len - 1);

      g_hash_table_remove (self->by_id, tc_endpoint_get_id (endpoint));
      g_object_run_dispose (G_OBJECT (endpoint));
      release_endpoint (self, endpoint);
    }
  while (self->retiring && self->retiring->len)
    {
      TcEndpoint *endpoint = g_ptr_array_steal_index (self->retiring, self->retiring->len - 1);

      g_signal_handlers_disconnect_by_data (endpoint, self);
      g_object_run_dispose (G_OBJECT (endpoint));
      release_endpoint (self, endpoint);
    }
  g_clear_pointer (&self->shared, stack_entry_free);
  G_OBJECT_CLASS (tc_manager_parent_class)->dispose (object);
}

static void
tc_manager_finalize (GObject *object)
{
  TcManager *self = TC_MANAGER (object);

  g_clear_pointer (&self->stacks, g_hash_table_unref);
  g_clear_pointer (&self->endpoints, g_ptr_array_unref);
  g_clear_pointer (&self->retiring, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_object (&self->accounts);
  g_clear_object (&self->secrets);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->registration_window, tc_registration_window_unref);
  g_clear_pointer (&self->clock, tc_sip_clock_unref);
  g_free ((char *) self->config.config_dir);
  g_free ((char *) self->config.data_dir);
  G_OBJECT_CLASS (tc_manager_parent_class)->finalize (object);
}

static void
tc_manager_class_init (TcManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_manager_dispose;
  object_class->finalize = tc_manager_finalize;

  signals[SIGNAL_ENDPOINT_ADDED] = g_signal_new ("endpoint-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                 NULL, NULL, NULL, G_TYPE_NONE, 1, TC_TYPE_ENDPOINT);
  signals[SIGNAL_ENDPOINT_REMOVED] = g_signal_new ("endpoint-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                   NULL, NULL, NULL, G_TYPE_NONE, 1, TC_TYPE_ENDPOINT);
  signals[SIGNAL_AUDIO_DEVICES_CHANGED] = g_signal_new ("audio-devices-changed", G_TYPE_FROM_CLASS (klass),
                                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tc_manager_init (TcManager *self)
{
  self->endpoints = g_ptr_array_new ();
  self->retiring = g_ptr_array_new ();
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->stacks = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
}

TcManager *
tc_manager_new (const TcManagerConfig *config, GError **error)
{
  TcManager *self = g_object_new (TC_TYPE_MANAGER, NULL);

  self->config = *config;
  self->config.config_dir =
    config->config_dir ? g_strdup (config->config_dir) : g_build_filename (g_get_user_config_dir (), "tincan", NULL);
  self->config.data_dir =
    config->data_dir ? g_strdup (config->data_dir) : g_build_filename (g_get_user_data_dir (), "tincan", NULL);
  self->clock = tc_sip_clock_new_main_loop (NULL);
  self->registration_window = tc_registration_window_new (REGISTRATION_WINDOW, self->clock);
  self->accounts = tc_config_new (self->config.config_dir);
  self->secrets = tc_secrets_new (self->config.config_dir, config->use_secret_service);
  return self;
}
