/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint.c — TcEndpoint: identity, properties, registration and the
 * routing of what the manager hands it.  Page mode is in
 * endpoint-message.c.
 *
 * A registered endpoint sends its out-of-dialog requests through its
 * outbound proxy, or through its registrar when it has none (the UCMA
 * SipEndpoint: requests go to the server the endpoint is registered
 * with), followed by the Service-Route of the last registration.  A
 * peer-to-peer endpoint sends to the target itself, or through its
 * outbound proxy.
 */
#include "core/endpoint.h"

#include "core/core-error.h"
#include "core/details.h"
#include "core/endpoint-private.h"

struct _TcEndpoint {
  GObject parent_instance;

  char *id;
  TcEndpointSettings *settings;
  TcSipStack *stack;
  char *contact_user;
  char *contact;
  char *from; /* made at its first use */
  /* The inbox is <inbox_root>/<id>, made at its first use (most
   * endpoints never get a MESSAGE); the root is interned, one copy for
   * all endpoints. */
  GRefString *inbox_root;
  TcInbox *inbox;

  TcSipDigestCache *credentials;
  TcSecretStore password_store;
  TcSipRouteSet *base_route_set; /* outbound proxy (or registrar), or NULL */
  GArray *additional_headers;    /* TcHeaderPair; never changed in place */

  TcRegistration *registration;
  TcRegistrationWindow *registration_window; /* shared with every endpoint, or NULL */
  TcRegistrationState last_state;
  GRefString *gruu;          /* as last notified (the registration's string); NULL for none */
  gboolean password_pending; /* the manager is looking it up */
  gboolean register_wanted;  /* Register() came before the password */
  gboolean shut_down;

  GHashTable *pending_sends;    /* GTask -> TcSipRequest (endpoint-message.c); made on the first */
  TcEndpointSessions *sessions; /* endpoint-session.c; made at the first call */
};

G_DEFINE_FINAL_TYPE (TcEndpoint, tc_endpoint, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_URI,
  PROP_KIND,
  PROP_DISPLAY_NAME,
  PROP_REGISTRATION_STATE,
  PROP_GRUU,
  PROP_INSTANCE_ID,
  PROP_CONTACT,
  PROP_TRANSPORT,
  PROP_PASSWORD_STORE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_REGISTRATION_STATE_CHANGED,
  SIGNAL_MESSAGE_RECEIVED,
  SIGNAL_CONNECTION_LOST,
  SIGNAL_PROPERTY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
tc_endpoint_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TcEndpoint *self = TC_ENDPOINT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_URI:
      g_value_set_string (value, tc_endpoint_get_uri (self));
      break;
    case PROP_KIND:
      g_value_set_string (value, tc_endpoint_kind_to_string (self->settings->kind));
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, tc_endpoint_get_display_name (self));
      break;
    case PROP_REGISTRATION_STATE:
      g_value_set_string (value, tc_endpoint_get_registration_state (self));
      break;
    case PROP_GRUU:
      g_value_set_string (value, tc_endpoint_get_gruu (self));
      break;
    case PROP_INSTANCE_ID:
      g_value_set_string (value, tc_endpoint_get_instance_id (self));
      break;
    case PROP_CONTACT:
      g_value_set_string (value, self->contact);
      break;
    case PROP_TRANSPORT:
      g_value_set_string (value, tc_endpoint_get_transport (self));
      break;
    case PROP_PASSWORD_STORE:
      g_value_set_string (value, tc_endpoint_get_password_store (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
clear_registration (TcEndpoint *self)
{
  if (!self->registration)
    return;
  tc_registration_forget_observer (self->registration);
  g_clear_object (&self->registration);
}

static void
tc_endpoint_dispose (GObject *object)
{
  TcEndpoint *self = TC_ENDPOINT (object);

  tc_endpoint_message_abort_all (self);
  g_clear_pointer (&self->sessions, tc_endpoint_sessions_free);
  clear_registration (self);
  G_OBJECT_CLASS (tc_endpoint_parent_class)->dispose (object);
}

static void
tc_endpoint_finalize (GObject *object)
{
  TcEndpoint *self = TC_ENDPOINT (object);

  g_clear_pointer (&self->pending_sends, g_hash_table_unref);
  g_clear_pointer (&self->gruu, g_ref_string_release);
  g_clear_pointer (&self->additional_headers, g_array_unref);
  g_clear_pointer (&self->base_route_set, tc_sip_route_set_unref);
  g_clear_pointer (&self->credentials, tc_sip_digest_cache_unref);
  g_clear_pointer (&self->registration_window, tc_registration_window_unref);
  g_clear_object (&self->inbox);
  g_clear_pointer (&self->inbox_root, g_ref_string_release);
  g_clear_object (&self->stack);
  g_clear_pointer (&self->settings, tc_endpoint_settings_free);
  g_free (self->id);
  g_free (self->contact_user);
  g_free (self->contact);
  g_free (self->from);
  G_OBJECT_CLASS (tc_endpoint_parent_class)->finalize (object);
}

/* GObject::notify takes no emission hooks: "property-changed" repeats it
 * for those who follow every endpoint's properties with one hook rather
 * than a handler on each (the bus).  A class notify also keeps GLibs
 * that skip notify on an object without handlers emitting it. */
static void
tc_endpoint_notify (GObject *object, GParamSpec *pspec)
{
  g_signal_emit (object, signals[SIGNAL_PROPERTY_CHANGED], 0, pspec);
}

static GParamSpec *
string_prop (const char *name, const char *blurb)
{
  return g_param_spec_string (name, NULL, blurb, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
tc_endpoint_class_init (TcEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tc_endpoint_get_property;
  object_class->dispose = tc_endpoint_dispose;
  object_class->finalize = tc_endpoint_finalize;
  object_class->notify = tc_endpoint_notify;

  props[PROP_ID] = string_prop ("id", "The stable id (object path component)");
  props[PROP_URI] = string_prop ("uri", "The address of record");
  props[PROP_KIND] = string_prop ("kind", "registered or peer-to-peer");
  props[PROP_DISPLAY_NAME] = string_prop ("display-name", "Display name in From");
  props[PROP_REGISTRATION_STATE] = string_prop ("registration-state", "The registration state nick");
  props[PROP_GRUU] = string_prop ("gruu", "The public GRUU the registrar granted");
  props[PROP_INSTANCE_ID] = string_prop ("instance-id", "The +sip.instance URN");
  props[PROP_CONTACT] = string_prop ("contact", "Our Contact URI");
  props[PROP_TRANSPORT] = string_prop ("transport", "The default transport");
  props[PROP_PASSWORD_STORE] = string_prop ("password-store", "Where the password came from");
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_REGISTRATION_STATE_CHANGED] =
    g_signal_new ("registration-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[SIGNAL_MESSAGE_RECEIVED] = g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                   NULL, NULL, NULL, G_TYPE_NONE, 1, tc_inbox_message_get_type ());
  signals[SIGNAL_CONNECTION_LOST] =
    g_signal_new ("connection-lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[SIGNAL_PROPERTY_CHANGED] = g_signal_new ("property-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PARAM);
  tc_endpoint_session_class_init (object_class);
}

static void
tc_endpoint_init (TcEndpoint *self)
{
  self->additional_headers = tc_header_pairs_ref_empty ();
}

/* The outbound proxy, or for a registered endpoint without one its
 * registrar, with the endpoint's transport unless the URI names one.
 * Route sets do not change once made: the endpoints with the same one
 * share it (thousands of accounts at one registrar), kept for the life of
 * the process in @shared, by URI. */
static TcSipRouteSet *
make_base_route_set (const TcEndpointSettings *settings)
{
  static GHashTable *shared; /* URI text -> TcSipRouteSet */
  const char *text = settings->outbound_proxy;
  g_autoptr (TcSipUri) uri = NULL;
  g_autofree char *key = NULL;
  TcSipRouteSet *set;

  if ((!text || !*text) && settings->kind == TC_ENDPOINT_KIND_REGISTERED)
    text = settings->registrar;
  if (!text || !*text)
    return NULL;
  uri = tc_sip_uri_parse (text, -1, NULL);
  if (!uri)
    return NULL; /* validated by tc_endpoint_settings_finish() */
  if (!tc_sip_uri_get_transport (uri) && settings->transport && g_strcmp0 (settings->transport, "udp") != 0 &&
      g_strcmp0 (settings->transport, "tls") != 0)
    tc_sip_uri_set_param (uri, "transport", settings->transport);
  else if (!tc_sip_uri_get_transport (uri) && g_strcmp0 (settings->transport, "tls") == 0 &&
           tc_sip_uri_get_scheme (uri) != TC_SIP_URI_SCHEME_SIPS)
    tc_sip_uri_set_param (uri, "transport", "tls");

  if (!shared)
    shared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) tc_sip_route_set_unref);
  key = tc_sip_uri_to_string (uri);
  set = g_hash_table_lookup (shared, key);
  if (!set)
    {
      set = tc_sip_route_set_new (uri);
      g_hash_table_insert (shared, g_steal_pointer (&key), set);
    }
  return tc_sip_route_set_ref (set);
}

TcEndpoint *
tc_endpoint_new (const char *id, TcEndpointSettings *settings, TcSipStack *stack, const char *contact_user,
                 const char *contact, const char *inbox_root)
{
  TcEndpoint *self = g_object_new (TC_TYPE_ENDPOINT, NULL);

  self->id = g_strdup (id);
  self->settings = settings;
  self->stack = g_object_ref (stack);
  self->contact_user = g_strdup (contact_user);
  self->contact = g_strdup (contact);
  self->inbox_root = g_ref_string_new_intern (inbox_root);
  self->base_route_set = make_base_route_set (settings);
  /* The settings' array, never changed in place (settings.h), until
   * SetAdditionalHeaders replaces it. */
  g_array_unref (self->additional_headers);
  self->additional_headers = g_array_ref (settings->extra_headers);
  tc_endpoint_set_password (self, settings->password,
                            settings->password ? TC_SECRET_STORE_MEMORY : TC_SECRET_STORE_NONE);
  return self;
}

/* ---- getters ------------------------------------------------------------ */

const char *
tc_endpoint_get_id (TcEndpoint *self)
{
  return self->id;
}

const char *
tc_endpoint_get_uri (TcEndpoint *self)
{
  return self->settings->uri;
}

TcEndpointKind
tc_endpoint_get_kind (TcEndpoint *self)
{
  return self->settings->kind;
}

const char *
tc_endpoint_get_display_name (TcEndpoint *self)
{
  return self->settings->display_name ? self->settings->display_name : "";
}

const char *
tc_endpoint_get_registration_state (TcEndpoint *self)
{
  return tc_registration_state_to_string (self->last_state);
}

const char *
tc_endpoint_get_gruu (TcEndpoint *self)
{
  const char *gruu = self->registration ? tc_registration_get_pub_gruu (self->registration) : NULL;

  return gruu ? gruu : "";
}

const char *
tc_endpoint_get_instance_id (TcEndpoint *self)
{
  return self->settings->instance_id ? self->settings->instance_id : "";
}

const char *
tc_endpoint_get_contact (TcEndpoint *self)
{
  return self->contact;
}

const char *
tc_endpoint_get_transport (TcEndpoint *self)
{
  return self->settings->transport ? self->settings->transport : "udp";
}

const char *
tc_endpoint_get_password_store (TcEndpoint *self)
{
  return tc_secret_store_to_string (self->password_store);
}

const TcEndpointSettings *
tc_endpoint_get_settings (TcEndpoint *self)
{
  return self->settings;
}

const char *
tc_endpoint_get_contact_user (TcEndpoint *self)
{
  return self->contact_user;
}

TcSipStack *
tc_endpoint_get_stack (TcEndpoint *self)
{
  return self->stack;
}

TcInbox *
tc_endpoint_get_inbox (TcEndpoint *self)
{
  if (!self->inbox)
    {
      const TcEndpointSettings *s = self->settings;
      g_autofree char *dir = g_build_filename (self->inbox_root, self->id, NULL);

      /* Opened at its own first use: pending messages of an earlier run
       * are found then (ListPendingMessages, the next MESSAGE). */
      self->inbox = tc_inbox_new_lazy (dir, s->inbox_size, (guint64) s->inbox_size * s->max_message_size);
    }
  return self->inbox;
}

TcSipRouteSet *
tc_endpoint_get_route_set (TcEndpoint *self)
{
  if (self->registration && self->last_state == TC_REGISTRATION_STATE_REGISTERED)
    {
      TcSipRouteSet *routes = tc_registration_get_route_set (self->registration);

      if (routes)
        return routes;
    }
  return self->base_route_set;
}

TcSipDigestCache *
tc_endpoint_get_credentials (TcEndpoint *self)
{
  return self->credentials;
}

const GArray *
tc_endpoint_get_additional_headers (TcEndpoint *self)
{
  return self->additional_headers;
}

const char *
tc_endpoint_get_from (TcEndpoint *self)
{
  /* Made for the first request sent as this endpoint: most only register,
   * and REGISTER has its own. */
  if (!self->from)
    self->from = tc_name_addr_format (self->settings->display_name, self->settings->uri);
  return self->from;
}

GHashTable *
tc_endpoint_get_pending_sends (TcEndpoint *self)
{
  if (!self->pending_sends)
    self->pending_sends = g_hash_table_new (NULL, NULL);
  return self->pending_sends;
}

GHashTable *
tc_endpoint_peek_pending_sends (TcEndpoint *self)
{
  return self->pending_sends;
}

/* ---- registration ------------------------------------------------------- */

static void
on_registration_state_changed (TcRegistration *registration, TcRegistrationState previous, guint status,
                               const char *reason, TcSipMessage *message, const char *cause, gpointer user_data)
{
  TcEndpoint *self = user_data;
  TcRegistrationState state = tc_registration_get_state (registration);
  g_autoptr (GVariant) details = NULL;
  GVariantBuilder builder;

  /* tc_details_new()'s entries and ours, in one builder (not a copy
   * through a GVariantDict: this runs for every endpoint's every change). */
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  tc_details_add (&builder, message, cause);
  if (state == TC_REGISTRATION_STATE_REGISTERED)
    g_variant_builder_add (&builder, "{sv}", "expires",
                           g_variant_new_uint32 (tc_registration_get_granted_expires (registration)));
  else if (state == TC_REGISTRATION_STATE_ERROR && tc_registration_get_next_attempt (registration) > 0)
    {
      TcSipClock *clock = tc_sip_stack_get_clock (self->stack);
      gint64 wait = tc_registration_get_next_attempt (registration) - tc_sip_clock_now (clock);

      g_variant_builder_add (&builder, "{sv}", "retry-after",
                             g_variant_new_uint32 ((guint32) MAX (0, (wait + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC)));
    }
  details = g_variant_ref_sink (g_variant_builder_end (&builder));

  self->last_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REGISTRATION_STATE]);
  /* Only a change: this runs for every endpoint's every change. */
  if (g_strcmp0 (self->gruu ? self->gruu : "", tc_endpoint_get_gruu (self)) != 0)
    {
      g_clear_pointer (&self->gruu, g_ref_string_release);
      self->gruu = *tc_endpoint_get_gruu (self) ? tc_registration_ref_pub_gruu (self->registration) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_GRUU]);
    }
  g_signal_emit (self, signals[SIGNAL_REGISTRATION_STATE_CHANGED], 0, tc_registration_state_to_string (state),
                 tc_registration_state_to_string (previous), status, reason ? reason : "", details);
}

static void
on_registration_connection_lost (TcRegistration *registration, const char *cause, const char *remote,
                                 gpointer user_data)
{
  TcEndpoint *self = user_data;
  g_autoptr (GVariant) details = g_variant_ref_sink (tc_details_new (NULL, cause));

  g_signal_emit (self, signals[SIGNAL_CONNECTION_LOST], 0, cause, remote ? remote : "", details);
}

/* Rather than a handler on each registration's two signals. */
static const TcRegistrationObserver registration_observer = {
  .state_changed = on_registration_state_changed,
  .connection_lost = on_registration_connection_lost,
};

static void
ensure_registration (TcEndpoint *self)
{
  /* SetAdditionalHeaders (all requests), then register-headers. */
  g_autoptr (GArray) headers = tc_header_pairs_concat (self->additional_headers, self->settings->register_headers);
  g_autoptr (TcSipUri) registrar_uri = tc_sip_uri_parse (self->settings->registrar, -1, NULL);
  g_autofree char *registrar = NULL;
  const TcEndpointSettings *s = self->settings;
  g_autoptr (TcSipRouteSet) proxy = NULL;
  TcRegistrationConfig config;

  if (self->registration)
    return;
  /* REGISTER goes to the registrar itself, or through an explicit
   * outbound proxy; never through the registrar-as-proxy fallback. */
  if (s->outbound_proxy && *s->outbound_proxy)
    proxy = tc_sip_route_set_ref (self->base_route_set);

  /* The endpoint's transport, unless the registrar URI names one. */
  if (registrar_uri && !tc_sip_uri_get_transport (registrar_uri) && s->transport &&
      g_strcmp0 (s->transport, "udp") != 0 &&
      !(g_strcmp0 (s->transport, "tls") == 0 && tc_sip_uri_get_scheme (registrar_uri) == TC_SIP_URI_SCHEME_SIPS))
    tc_sip_uri_set_param (registrar_uri, "transport", s->transport);
  registrar = registrar_uri ? tc_sip_uri_to_string (registrar_uri) : g_strdup (s->registrar);

  tc_registration_config_init (&config);
  config.aor = s->uri;
  config.display_name = s->display_name;
  config.registrar = registrar;
  config.route_set = proxy;
  config.credentials = self->credentials;
  config.contact_user = self->contact_user;
  config.instance_id = s->instance_id;
  config.expires = s->expires;
  config.extra_headers = headers;
  config.allow_events = s->allow_events && *s->allow_events ? s->allow_events : NULL;
  config.retry_base_us = (gint64) s->retry_interval * G_USEC_PER_SEC;
  config.observer = &registration_observer;
  config.window = self->registration_window;
  config.observer_data = self;
  self->registration = tc_registration_new (self->stack, &config);
}

void
tc_endpoint_set_registration_window (TcEndpoint *self, TcRegistrationWindow *window)
{
  g_return_if_fail (TC_IS_ENDPOINT (self));
  g_return_if_fail (self->registration == NULL);

  g_clear_pointer (&self->registration_window, tc_registration_window_unref);
  self->registration_window = window ? tc_registration_window_ref (window) : NULL;
}

void
tc_endpoint_set_password (TcEndpoint *self, const char *password, TcSecretStore store)
{
  const TcEndpointSettings *s = self->settings;

  g_clear_pointer (&self->credentials, tc_sip_digest_cache_unref);
  self->password_pending = FALSE;
  if (password)
    {
      g_autoptr (GError) error = NULL;
      const char *user = s->auth_username && *s->auth_username ? s->auth_username : NULL;
      g_autoptr (TcSipDigestCredentials) credentials = NULL;

      credentials = tc_sip_digest_credentials_new (user ? user : "anonymous", password, &error);
      if (credentials)
        self->credentials = tc_sip_digest_cache_new (credentials);
      else
        g_warning ("endpoint %s: the password cannot be used: %s", self->id, error->message);
    }
  if (self->password_store != store)
    {
      self->password_store = store;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PASSWORD_STORE]);
    }

  /* A new password means a new registration: the old one holds the old
   * credentials. */
  if (self->registration && self->last_state != TC_REGISTRATION_STATE_UNREGISTERED)
    self->register_wanted = TRUE;
  clear_registration (self);
  if (self->register_wanted && !self->shut_down)
    {
      self->register_wanted = FALSE;
      ensure_registration (self);
      tc_registration_register (self->registration);
    }
}

gboolean
tc_endpoint_register (TcEndpoint *self, GError **error)
{
  if (self->settings->kind == TC_ENDPOINT_KIND_PEER_TO_PEER)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_NOT_SUPPORTED, "endpoint %s is peer-to-peer: it never registers",
                   self->id);
      return FALSE;
    }
  if (self->shut_down)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_ABORTED, "endpoint %s is shutting down", self->id);
      return FALSE;
    }
  if (self->password_pending)
    {
      self->register_wanted = TRUE; /* registers when the password comes */
      return TRUE;
    }
  if (!self->credentials)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_AUTH,
                   "endpoint %s has no password: give one with the \"password\" setting (or store it)", self->id);
      return FALSE;
    }
  ensure_registration (self);
  if (tc_registration_get_state (self->registration) == TC_REGISTRATION_STATE_UNREGISTERING)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_BUSY, "endpoint %s is unregistering; register when it is done",
                   self->id);
      return FALSE;
    }
  switch (tc_registration_get_state (self->registration))
    {
    case TC_REGISTRATION_STATE_REGISTERING:
    case TC_REGISTRATION_STATE_REGISTERED:
      return TRUE; /* Endpoint.Register: nothing to do (refreshes run on their own) */
    case TC_REGISTRATION_STATE_UNREGISTERED:
    case TC_REGISTRATION_STATE_UNREGISTERING:
    case TC_REGISTRATION_STATE_REJECTED:
    case TC_REGISTRATION_STATE_ERROR:
      break;
    }
  tc_registration_register (self->registration);
  return TRUE;
}

void
tc_endpoint_expect_password (TcEndpoint *self)
{
  self->password_pending = TRUE;
}

gboolean
tc_endpoint_unregister (TcEndpoint *self, GError **error)
{
  if (self->settings->kind == TC_ENDPOINT_KIND_PEER_TO_PEER)
    {
      g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_NOT_SUPPORTED, "endpoint %s is peer-to-peer: it never registers",
                   self->id);
      return FALSE;
    }
  self->register_wanted = FALSE;
  if (self->registration)
    tc_registration_unregister (self->registration);
  return TRUE;
}

gboolean
tc_endpoint_set_additional_headers (TcEndpoint *self, const GArray *headers, GError **error)
{
  for (guint i = 0; headers && i < headers->len; i++)
    {
      const TcHeaderPair *pair = &g_array_index (headers, TcHeaderPair, i);

      if (!tc_header_pair_validate (pair->name, pair->value, error))
        return FALSE;
    }
  g_array_unref (self->additional_headers);
  self->additional_headers = tc_header_pairs_copy (headers);
  if (self->registration)
    {
      g_autoptr (GArray) all = tc_header_pairs_concat (self->additional_headers, self->settings->register_headers);

      tc_registration_set_extra_headers (self->registration, all);
    }
  return TRUE;
}

void
tc_endpoint_network_changed (TcEndpoint *self)
{
  if (self->registration)
    tc_registration_network_changed (self->registration);
}

void
tc_endpoint_shutdown (TcEndpoint *self)
{
  self->shut_down = TRUE;
  self->register_wanted = FALSE;
  tc_endpoint_message_abort_all (self);
  tc_endpoint_sessions_shutdown (self);
  if (self->registration)
    tc_registration_unregister (self->registration);
}

gboolean
tc_endpoint_is_settled (TcEndpoint *self)
{
  if (!self->registration)
    return TRUE;
  switch (tc_registration_get_state (self->registration))
    {
    case TC_REGISTRATION_STATE_UNREGISTERED:
    case TC_REGISTRATION_STATE_REJECTED:
    case TC_REGISTRATION_STATE_ERROR:
      return TRUE;
    case TC_REGISTRATION_STATE_REGISTERING:
    case TC_REGISTRATION_STATE_REGISTERED:
    case TC_REGISTRATION_STATE_UNREGISTERING:
      return FALSE;
    }
  return TRUE;
}

/* ---- incoming ----------------------------------------------------------- */

void
tc_endpoint_handle_request (TcEndpoint *self, TcSipIncoming *incoming)
{
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);

  switch (tc_sip_message_get_method (request))
    {
    case TC_SIP_METHOD_MESSAGE:
      tc_endpoint_message_handle (self, incoming);
      return;
    case TC_SIP_METHOD_INVITE:
    case TC_SIP_METHOD_BYE:
    case TC_SIP_METHOD_INFO:
    case TC_SIP_METHOD_UPDATE:
      tc_endpoint_session_handle_request (self, incoming);
      return;
    default:
      /* The manager only routes methods an endpoint implements. */
      tc_sip_incoming_respond_status (incoming, 500, "Not Routed To An Endpoint Handler", NULL);
      return;
    }
}

/* Thousands of endpoints that never call pay for no session tables. */
TcEndpointSessions *
tc_endpoint_get_sessions_data (TcEndpoint *self)
{
  if (!self->sessions)
    self->sessions = tc_endpoint_sessions_new (self);
  return self->sessions;
}

TcEndpointSessions *
tc_endpoint_peek_sessions_data (TcEndpoint *self)
{
  return self->sessions;
}

gboolean
tc_endpoint_is_shut_down (TcEndpoint *self)
{
  return self->shut_down;
}

void
tc_endpoint_emit_message_received (TcEndpoint *self, TcInboxMessage *message)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE_RECEIVED], 0, message);
}

gboolean
tc_endpoint_acknowledge_message (TcEndpoint *self, const char *id, GError **error)
{
  return tc_inbox_acknowledge (tc_endpoint_get_inbox (self), id, error);
}

GPtrArray *
tc_endpoint_list_pending_messages (TcEndpoint *self)
{
  return tc_inbox_list (tc_endpoint_get_inbox (self));
}
