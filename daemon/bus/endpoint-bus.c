/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-bus.c — TcEndpointBus: org.tincan.Tincan1.Endpoint for one
 * TcEndpoint.  Properties are read from the core object when asked for,
 * core signals are re-emitted, and each method is one core call
 * (style.md B7).
 *
 * Nothing here is per endpoint but the adapter itself: TcManagerBus
 * routes calls to it from one subtree registration, core signals arrive
 * through emission hooks, and property changes wait in one queue for the
 * next PropertiesChanged.  A GDBusObjectSkeleton and interface skeleton
 * per endpoint cost 3.6 KiB each, with thousands of endpoints.
 *
 * SendMessage is held (TcBusCall) until core finishes the MESSAGE
 * transaction: cancelled when its caller leaves the bus, answered Aborted
 * when the endpoint goes first.  OperationComplete is emitted only when a
 * SIP transaction was attempted (core filled in a status), just before the
 * reply; a call refused before sending gets only its error reply.
 */
#include "bus/endpoint-bus.h"

#include "bus/errors.h"
#include "bus/session-bus.h"
#include "core/details.h"
#include "sip/debug.h"
#include "tincan-dbus-generated.h"

/* The interface's properties; bit i of TcEndpointBus.changed is
 * properties[i].  @core: the TcEndpoint property it shows, if any. */
enum {
  PROP_URI,
  PROP_KIND,
  PROP_DISPLAY_NAME,
  PROP_REGISTRATION_STATE,
  PROP_GRUU,
  PROP_INSTANCE_ID,
  PROP_CONTACT,
  PROP_TRANSPORT,
  PROP_PASSWORD_STORE,
  PROP_INCOMING_CALL_POLICY,
  PROP_SESSIONS, /* EmitsChangedSignal "invalidates" */
  N_PROPS
};

static const struct {
  const char *name;
  const char *core;
} properties[N_PROPS] = {
  [PROP_URI] = { "Uri", "uri" },
  [PROP_KIND] = { "Kind", "kind" },
  [PROP_DISPLAY_NAME] = { "DisplayName", "display-name" },
  [PROP_REGISTRATION_STATE] = { "RegistrationState", "registration-state" },
  [PROP_GRUU] = { "Gruu", "gruu" },
  [PROP_INSTANCE_ID] = { "InstanceId", "instance-id" },
  [PROP_CONTACT] = { "Contact", "contact" },
  [PROP_TRANSPORT] = { "Transport", "transport" },
  [PROP_PASSWORD_STORE] = { "PasswordStore", "password-store" },
  [PROP_INCOMING_CALL_POLICY] = { "IncomingCallPolicy", NULL },
  [PROP_SESSIONS] = { "Sessions", NULL },
};

struct _TcEndpointBus {
  GObject parent_instance;

  TcEndpoint *endpoint;
  GDBusConnection *connection;
  TcBusCallers *callers;
  char *path;
  GPtrArray *calls;                /* TcBusCall: SendMessage in flight; NULL before the first */
  guint changed;                   /* properties to announce, 1 << PROP_* */
  gboolean queued : 1;             /* in changed_queue */
  gboolean sessions_announced : 1; /* invalidated since it was last read */
  gboolean aborted : 1;
};

G_DEFINE_FINAL_TYPE (TcEndpointBus, tc_endpoint_bus, G_TYPE_OBJECT)

GDBusInterfaceInfo *
tc_endpoint_bus_interface_info (void)
{
  return tc_dbus_endpoint_interface_info ();
}

static void
emit_signal (TcEndpointBus *self, const char *interface_name, const char *signal, GVariant *parameters)
{
  g_autoptr (GVariant) sunk = g_variant_ref_sink (parameters);

  if (self->aborted)
    return;
  /* The message keeps its body until the bus has read it, and in a burst
   * (thousands of endpoints registering) thousands wait: as one buffer,
   * not a tree of small values holding on to the SIP message they were
   * read from.  Serialising releases the tree. */
  g_variant_get_data (sunk);
  g_dbus_connection_emit_signal (self->connection, NULL, self->path, interface_name, signal, sunk, NULL);
}

static GVariant *
empty_details (GVariant *details)
{
  return details ? details : g_variant_new ("a{sv}", NULL);
}

/* ---- properties -------------------------------------------------------------- */

/* The Sessions property is built when read and announced as invalidated
 * (EmitsChangedSignal "invalidates"): at hundreds of calls per second,
 * with every lingering session in it, serialising the whole array for
 * each change was a third of the daemon's time.  Announced once, and not
 * again until someone has read the property: a client's cached value is
 * already gone. */
static GVariant *
read_sessions (TcEndpointBus *self)
{
  g_autoptr (GPtrArray) sessions = tc_endpoint_get_sessions (self->endpoint);
  GVariantBuilder builder;

  self->sessions_announced = FALSE;
  g_variant_builder_init (&builder, G_VARIANT_TYPE_OBJECT_PATH_ARRAY);
  for (guint i = 0; i < sessions->len; i++)
    {
      g_autofree char *path = tc_session_bus_path (self->path, tc_session_get_id (sessions->pdata[i]));

      g_variant_builder_add (&builder, "o", path);
    }
  return g_variant_builder_end (&builder);
}

static GVariant *
property_value (TcEndpointBus *self, guint prop)
{
  char *value = NULL;

  switch (prop)
    {
    case PROP_SESSIONS:
      return read_sessions (self);
    case PROP_INCOMING_CALL_POLICY:
      {
        const char *policy = tc_endpoint_get_settings (self->endpoint)->incoming_call_policy;

        return g_variant_new_string (policy ? policy : "ring");
      }
    default:
      g_object_get (self->endpoint, properties[prop].core, &value, NULL);
      return g_variant_new_take_string (value ? value : g_strdup (""));
    }
}

GVariant *
tc_endpoint_bus_get_property (TcEndpointBus *self, const char *name, GError **error)
{
  g_return_val_if_fail (TC_IS_ENDPOINT_BUS (self), NULL);

  for (guint i = 0; i < N_PROPS; i++)
    if (g_str_equal (name, properties[i].name))
      return property_value (self, i);
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, "No such property “%s”", name);
  return NULL;
}

GVariant *
tc_endpoint_bus_get_properties (TcEndpointBus *self)
{
  GVariantBuilder builder;

  g_return_val_if_fail (TC_IS_ENDPOINT_BUS (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < N_PROPS; i++)
    g_variant_builder_add (&builder, "{sv}", properties[i].name, property_value (self, i));
  return g_variant_builder_end (&builder);
}

/* Changed properties wait here for one PropertiesChanged per endpoint,
 * sent before the next method call is dispatched (G_PRIORITY_HIGH): the
 * values are read then, so a property that changed twice is sent once. */
static GPtrArray *changed_queue; /* TcEndpointBus, a reference each */
static guint changed_idle;

static void
emit_properties_changed (TcEndpointBus *self)
{
  const char *invalidated[2] = { NULL, NULL };
  GVariantBuilder changed;

  g_variant_builder_init (&changed, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < N_PROPS; i++)
    {
      if (!(self->changed & (1u << i)))
        continue;
      if (i == PROP_SESSIONS)
        invalidated[0] = properties[i].name;
      else
        g_variant_builder_add (&changed, "{sv}", properties[i].name, property_value (self, i));
    }
  self->changed = 0;
  emit_signal (self, "org.freedesktop.DBus.Properties", "PropertiesChanged",
               g_variant_new ("(sa{sv}^as)", TC_ENDPOINT_BUS_INTERFACE, &changed, invalidated));
}

static gboolean
on_changed_idle (gpointer user_data)
{
  g_autoptr (GPtrArray) queue = g_steal_pointer (&changed_queue);

  changed_idle = 0;
  for (guint i = 0; i < queue->len; i++)
    {
      TcEndpointBus *self = queue->pdata[i];

      self->queued = FALSE;
      if (self->changed)
        emit_properties_changed (self);
    }
  return G_SOURCE_REMOVE;
}

static void
queue_changed (TcEndpointBus *self, guint prop)
{
  self->changed |= 1u << prop;
  if (self->queued)
    return;
  self->queued = TRUE;
  if (!changed_queue)
    changed_queue = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (changed_queue, g_object_ref (self));
  if (!changed_idle)
    changed_idle = g_idle_add_full (G_PRIORITY_HIGH, on_changed_idle, NULL, NULL);
}

static void
on_property_changed (TcEndpoint *endpoint, GParamSpec *pspec, TcEndpointBus *self)
{
  for (guint i = 0; i < N_PROPS; i++)
    {
      if (properties[i].core && g_str_equal (pspec->name, properties[i].core))
        {
          queue_changed (self, i);
          return;
        }
    }
}

static void
on_sessions_changed (TcEndpoint *endpoint, TcSession *session, TcEndpointBus *self)
{
  if (self->sessions_announced)
    return;
  self->sessions_announced = TRUE;
  queue_changed (self, PROP_SESSIONS);
}

/* ---- signals ----------------------------------------------------------------- */

static GVariant *
bytes_to_variant (GBytes *bytes)
{
  if (!bytes)
    return g_variant_new_from_data (G_VARIANT_TYPE_BYTESTRING, "", 0, TRUE, NULL, NULL);
  return g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE);
}

/* details of MessageReceived / ListPendingMessages: "sip-message" when the
 * stored request parses, "received-at" (µs since the epoch). */
static GVariant *
message_details (const TcInboxMessage *message)
{
  g_auto (GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  GBytes *raw = tc_inbox_message_get_raw (message);

  if (raw)
    {
      g_autoptr (GVariant) sip_message = tc_details_sip_message_from_bytes (raw);

      if (sip_message)
        g_variant_dict_insert_value (&dict, "sip-message", g_variant_take_ref (sip_message));
    }
  g_variant_dict_insert (&dict, "received-at", "x", tc_inbox_message_get_received (message));
  return g_variant_dict_end (&dict);
}

/* (ssssaya{sv}): MessageReceived's arguments, an entry of ListPendingMessages. */
static GVariant *
message_tuple (const TcInboxMessage *message)
{
  const char *from = tc_inbox_message_get_from (message);
  const char *to = tc_inbox_message_get_to (message);
  const char *content_type = tc_inbox_message_get_content_type (message);

  return g_variant_new ("(ssss@ay@a{sv})", tc_inbox_message_get_id (message), from ? from : "", to ? to : "",
                        content_type ? content_type : "", bytes_to_variant (tc_inbox_message_get_body (message)),
                        message_details (message));
}

static void
on_registration_state_changed (TcEndpoint *endpoint, const char *state, const char *previous, guint sip_status,
                               const char *reason, GVariant *details, TcEndpointBus *self)
{
  emit_signal (
    self, TC_ENDPOINT_BUS_INTERFACE, "RegistrationStateChanged",
    g_variant_new ("(ssus@a{sv})", state, previous, sip_status, reason ? reason : "", empty_details (details)));
}

static void
on_message_received (TcEndpoint *endpoint, TcInboxMessage *message, TcEndpointBus *self)
{
  emit_signal (self, TC_ENDPOINT_BUS_INTERFACE, "MessageReceived", message_tuple (message));
}

static void
on_connection_lost (TcEndpoint *endpoint, const char *cause, const char *remote, GVariant *details, TcEndpointBus *self)
{
  emit_signal (self, TC_ENDPOINT_BUS_INTERFACE, "ConnectionLost",
               g_variant_new ("(ss@a{sv})", cause, remote ? remote : "", empty_details (details)));
}

static void
on_incoming_session (TcEndpoint *endpoint, TcSession *session, GVariant *details, TcEndpointBus *self)
{
  g_autofree char *path = tc_session_bus_path (self->path, tc_session_get_id (session));

  emit_signal (self, TC_ENDPOINT_BUS_INTERFACE, "IncomingSession",
               g_variant_new ("(o@a{sv})", path, empty_details (details)));
}

/* ---- methods ----------------------------------------------------------------- */

static void
handle_register (TcEndpointBus *self, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  g_autoptr (GError) error = NULL;

  if (!tc_endpoint_register (self->endpoint, &error))
    tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
handle_unregister (TcEndpointBus *self, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  g_autoptr (GError) error = NULL;

  if (!tc_endpoint_unregister (self->endpoint, &error))
    tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

typedef struct {
  TcEndpointBus *self;
  TcBusCall *call;
  guint64 cookie;
} SendOperation;

static void
send_operation_free (SendOperation *op)
{
  g_object_unref (op->self);
  tc_bus_call_unref (op->call);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SendOperation, send_operation_free)

/* SendMessage options: "cookie" (t), nothing else. */
static gboolean
parse_send_options (GVariant *options, guint64 *cookie, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value_out;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value_out))
    {
      g_autoptr (GVariant) value = value_out;

      if (!g_str_equal (key, "cookie"))
        {
          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "unknown option '%s'", key);
          return FALSE;
        }
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
        {
          g_set_error (error, TC_CORE_ERROR, TC_CORE_ERROR_INVALID_ARGS, "option 'cookie' must be of type t, not %s",
                       g_variant_get_type_string (value));
          return FALSE;
        }
      *cookie = g_variant_get_uint64 (value);
    }
  return TRUE;
}

static void
emit_operation_complete (TcEndpointBus *self, guint64 cookie, const TcMessageResult *outcome, const GError *error)
{
  g_auto (GVariantDict) dict = G_VARIANT_DICT_INIT (outcome->details);

  g_variant_dict_insert (&dict, "operation", "s", "message");
  if (error)
    g_variant_dict_insert (&dict, "error", "s", tc_bus_error_name (error));
  emit_signal (self, TC_ENDPOINT_BUS_INTERFACE, "OperationComplete",
               g_variant_new ("(tus@a{sv})", cookie, outcome->status, outcome->reason ? outcome->reason : "",
                              g_variant_dict_end (&dict)));
}

static void
on_send_message_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SendOperation) op = user_data;
  TcEndpointBus *self = op->self;
  TcMessageResult outcome = { 0 };
  g_autoptr (GError) error = NULL;
  GDBusMethodInvocation *invocation;
  gboolean ok;

  ok = tc_endpoint_send_message_finish (TC_ENDPOINT (source), result, &outcome, &error);
  if (self->calls) /* NULL once aborted */
    g_ptr_array_remove_fast (self->calls, op->call);
  invocation = tc_bus_call_steal_invocation (op->call);
  tc_debug ("endpoint %s: MESSAGE (cookie %" G_GUINT64_FORMAT ") done: %u %s", tc_endpoint_get_id (self->endpoint),
            op->cookie, outcome.status, ok ? "ok" : error->message);

  /* Only a MESSAGE that went out has a status to report. */
  if (outcome.status != 0)
    emit_operation_complete (self, op->cookie, &outcome, ok ? NULL : error);
  if (invocation && ok)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else if (invocation)
    tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  tc_message_result_clear (&outcome);
}

static void
handle_send_message (TcEndpointBus *self, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  g_autoptr (GVariant) body = NULL;
  g_autoptr (GVariant) options = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  const char *target, *content_type;
  SendOperation *op;
  guint64 cookie = 0;

  g_variant_get (parameters, "(&s&s@ay@a{sv})", &target, &content_type, &body, &options);
  if (!parse_send_options (options, &cookie, &error))
    {
      tc_bus_return_gerror (invocation, g_steal_pointer (&error));
      return;
    }

  op = g_new0 (SendOperation, 1);
  op->self = g_object_ref (self);
  op->call = tc_bus_call_new (self->callers, invocation);
  op->cookie = cookie;
  if (!self->calls)
    self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_bus_call_unref);
  g_ptr_array_add (self->calls, tc_bus_call_ref (op->call));

  bytes = g_variant_get_data_as_bytes (body);
  tc_endpoint_send_message_async (self->endpoint, target, *content_type ? content_type : NULL, bytes, NULL,
                                  tc_bus_call_get_cancellable (op->call), on_send_message_done, op);
}

static void
handle_set_additional_headers (TcEndpointBus *self, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  g_autoptr (GArray) headers = g_array_new (FALSE, TRUE, sizeof (TcHeaderPair));
  g_autoptr (GVariantIter) iter = NULL;
  g_autoptr (GError) error = NULL;
  TcHeaderPair pair;

  g_array_set_clear_func (headers, (GDestroyNotify) tc_header_pair_clear);
  g_variant_get (parameters, "(a(ss))", &iter);
  while (g_variant_iter_next (iter, "(ss)", &pair.name, &pair.value))
    g_array_append_val (headers, pair);

  /* Core validates every header before applying any. */
  if (!tc_endpoint_set_additional_headers (self->endpoint, headers, &error))
    tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
handle_acknowledge_message (TcEndpointBus *self, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  g_autoptr (GError) error = NULL;
  const char *id;

  g_variant_get (parameters, "(&s)", &id);
  if (!tc_endpoint_acknowledge_message (self->endpoint, id, &error))
    tc_bus_return_gerror (invocation, g_steal_pointer (&error));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
handle_list_pending_messages (TcEndpointBus *self, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  g_autoptr (GPtrArray) messages = tc_endpoint_list_pending_messages (self->endpoint);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssssaya{sv})"));
  for (guint i = 0; messages && i < messages->len; i++)
    g_variant_builder_add_value (&builder, message_tuple (g_ptr_array_index (messages, i)));
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(@a(ssssaya{sv}))", g_variant_builder_end (&builder)));
}

static void
handle_call (TcEndpointBus *self, GVariant *parameters, GDBusMethodInvocation *invocation)
{
  static const char *const allowed[] = { "headers", "subject", "codecs", "audio-source", "audio-sink", NULL };
  g_autoptr (GVariant) options = NULL;
  g_autoptr (TcSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  TcSessionOptions parsed;
  const char *target;

  g_variant_get (parameters, "(&s@a{sv})", &target, &options);
  if (!tc_session_options_parse (&parsed, options, allowed, &error))
    {
      tc_bus_return_gerror (invocation, g_steal_pointer (&error));
      return;
    }
  /* The session is exported ("session-added") before this returns. */
  session = tc_endpoint_call (self->endpoint, target, &parsed, &error);
  tc_session_options_clear (&parsed);
  if (!session)
    {
      tc_bus_return_gerror (invocation, g_steal_pointer (&error));
      return;
    }
  path = tc_session_bus_path (self->path, tc_session_get_id (session));
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", path));
}

static const struct {
  const char *name;
  void (*handle) (TcEndpointBus *self, GVariant *parameters, GDBusMethodInvocation *invocation);
} methods[] = {
  { "Register", handle_register },
  { "Unregister", handle_unregister },
  { "SendMessage", handle_send_message },
  { "Call", handle_call },
  { "SetAdditionalHeaders", handle_set_additional_headers },
  { "AcknowledgeMessage", handle_acknowledge_message },
  { "ListPendingMessages", handle_list_pending_messages },
};

void
tc_endpoint_bus_method_call (TcEndpointBus *self, const char *method_name, GVariant *parameters,
                             GDBusMethodInvocation *invocation)
{
  g_return_if_fail (TC_IS_ENDPOINT_BUS (self));

  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      if (g_str_equal (method_name, methods[i].name))
        {
          methods[i].handle (self, parameters, invocation);
          return;
        }
    }
  /* Unreachable: the connection passes only methods of the interface
   * description, and check_methods() has seen each in the table.  Still
   * answered, as GDBus answers a method it does not know. */
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD, "No such method “%s”",
                                         method_name);
}

/* Every method of Endpoint.xml has its handler: checked once, before the
 * first endpoint goes on the bus, so that a method added to the XML
 * without one stops the daemon at start-up (and every bus test) rather
 * than leaving a call unanswered. */
static void
check_methods (void)
{
  GDBusInterfaceInfo *info = tc_endpoint_bus_interface_info ();

  for (guint i = 0; info->methods[i]; i++)
    {
      gsize j;

      for (j = 0; j < G_N_ELEMENTS (methods); j++)
        if (g_str_equal (info->methods[i]->name, methods[j].name))
          break;
      if (j == G_N_ELEMENTS (methods))
        g_error ("Endpoint.%s (dbus/org.tincan.Tincan1.Endpoint.xml) has no handler in bus/endpoint-bus.c",
                 info->methods[i]->name);
    }
}

/* ---- core signals, through emission hooks -------------------------------------
 *
 * One hook per signal for every endpoint, rather than handlers connected
 * on each endpoint: a handler costs a closure and its bookkeeping, some
 * 200 bytes, and thousands of endpoints had seven each.  An endpoint's
 * adapter is its qdata while it is on the bus. */
static GQuark adapter_quark;

static TcEndpointBus *
adapter_for (const GValue *instance)
{
  return g_object_get_qdata (g_value_get_object (instance), adapter_quark);
}

static gboolean
hook_registration_state_changed (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_registration_state_changed (self->endpoint, g_value_get_string (&values[1]), g_value_get_string (&values[2]),
                                   g_value_get_uint (&values[3]), g_value_get_string (&values[4]),
                                   g_value_get_variant (&values[5]), self);
  return TRUE;
}

static gboolean
hook_message_received (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_message_received (self->endpoint, g_value_get_boxed (&values[1]), self);
  return TRUE;
}

static gboolean
hook_connection_lost (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_connection_lost (self->endpoint, g_value_get_string (&values[1]), g_value_get_string (&values[2]),
                        g_value_get_variant (&values[3]), self);
  return TRUE;
}

static gboolean
hook_incoming_session (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_incoming_session (self->endpoint, g_value_get_object (&values[1]), g_value_get_variant (&values[2]), self);
  return TRUE;
}

/* session-added and session-removed */
static gboolean
hook_sessions_changed (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_sessions_changed (self->endpoint, g_value_get_object (&values[1]), self);
  return TRUE;
}

static gboolean
hook_property_changed (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  TcEndpointBus *self = adapter_for (&values[0]);

  if (self)
    on_property_changed (self->endpoint, g_value_get_param (&values[1]), self);
  return TRUE;
}

gulong
tc_endpoint_bus_add_hook (const char *signal, GSignalEmissionHook hook, gpointer data)
{
  guint id = g_signal_lookup (signal, TC_TYPE_ENDPOINT);

  g_assert (id != 0);
  return g_signal_add_emission_hook (id, 0, hook, data, NULL);
}

void
tc_endpoint_bus_remove_hook (const char *signal, gulong hook_id)
{
  g_signal_remove_emission_hook (g_signal_lookup (signal, TC_TYPE_ENDPOINT), hook_id);
}

static void
install_hooks (void)
{
  static gsize done;

  if (!g_once_init_enter (&done))
    return;
  check_methods ();
  adapter_quark = g_quark_from_static_string ("tc-endpoint-bus");
  g_type_class_ref (TC_TYPE_ENDPOINT); /* its signals exist with its class; kept */
  tc_endpoint_bus_add_hook ("registration-state-changed", hook_registration_state_changed, NULL);
  tc_endpoint_bus_add_hook ("message-received", hook_message_received, NULL);
  tc_endpoint_bus_add_hook ("connection-lost", hook_connection_lost, NULL);
  tc_endpoint_bus_add_hook ("incoming-session", hook_incoming_session, NULL);
  tc_endpoint_bus_add_hook ("session-added", hook_sessions_changed, NULL);
  tc_endpoint_bus_add_hook ("session-removed", hook_sessions_changed, NULL);
  tc_endpoint_bus_add_hook ("property-changed", hook_property_changed, NULL);
  g_once_init_leave (&done, 1);
}

/* ---- the adapter ---------------------------------------------------------------- */

void
tc_endpoint_bus_abort (TcEndpointBus *self, const char *why)
{
  g_autoptr (GPtrArray) calls = NULL;

  g_return_if_fail (TC_IS_ENDPOINT_BUS (self));

  if (self->aborted)
    return;
  self->aborted = TRUE;
  self->changed = 0;
  g_object_set_qdata (G_OBJECT (self->endpoint), adapter_quark, NULL);

  /* Aborting cancels, which may complete and remove calls at once. */
  calls = g_steal_pointer (&self->calls);
  for (guint i = 0; calls && i < calls->len; i++)
    tc_bus_call_abort (g_ptr_array_index (calls, i), why);
  tc_debug ("endpoint %s: off the bus, %u call(s) aborted", tc_endpoint_get_id (self->endpoint),
            calls ? calls->len : 0);
}

static void
tc_endpoint_bus_dispose (GObject *object)
{
  TcEndpointBus *self = TC_ENDPOINT_BUS (object);

  if (self->endpoint)
    tc_endpoint_bus_abort (self, "The endpoint was removed");
  g_clear_object (&self->endpoint);
  g_clear_object (&self->callers);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (tc_endpoint_bus_parent_class)->dispose (object);
}

static void
tc_endpoint_bus_finalize (GObject *object)
{
  TcEndpointBus *self = TC_ENDPOINT_BUS (object);

  g_clear_pointer (&self->calls, g_ptr_array_unref);
  g_free (self->path);

  G_OBJECT_CLASS (tc_endpoint_bus_parent_class)->finalize (object);
}

static void
tc_endpoint_bus_class_init (TcEndpointBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tc_endpoint_bus_dispose;
  object_class->finalize = tc_endpoint_bus_finalize;
}

static void
tc_endpoint_bus_init (TcEndpointBus *self)
{
}

char *
tc_endpoint_bus_path_for_id (const char *id)
{
  g_autofree char *path = g_strconcat (TC_ENDPOINT_BUS_PATH_PREFIX, id, NULL);

  if (!*id || !g_variant_is_object_path (path))
    {
      g_warning ("endpoint id \"%s\" cannot be an object path element: not exported", id);
      return NULL;
    }
  return g_steal_pointer (&path);
}

TcEndpointBus *
tc_endpoint_bus_new (TcEndpoint *endpoint, GDBusConnection *connection, TcBusCallers *callers)
{
  g_autofree char *path = NULL;
  TcEndpointBus *self;

  g_return_val_if_fail (TC_IS_ENDPOINT (endpoint), NULL);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (TC_BUS_IS_CALLERS (callers), NULL);

  path = tc_endpoint_bus_path_for_id (tc_endpoint_get_id (endpoint));
  if (!path)
    return NULL;

  install_hooks ();
  self = g_object_new (TC_TYPE_ENDPOINT_BUS, NULL);
  self->endpoint = g_object_ref (endpoint);
  self->connection = g_object_ref (connection);
  self->callers = g_object_ref (callers);
  self->path = g_steal_pointer (&path);
  g_object_set_qdata (G_OBJECT (endpoint), adapter_quark, self);
  return self;
}

TcEndpointBus *
tc_endpoint_bus_find (TcEndpoint *endpoint)
{
  g_return_val_if_fail (TC_IS_ENDPOINT (endpoint), NULL);

  return adapter_quark ? g_object_get_qdata (G_OBJECT (endpoint), adapter_quark) : NULL;
}

TcEndpoint *
tc_endpoint_bus_get_endpoint (TcEndpointBus *self)
{
  g_return_val_if_fail (TC_IS_ENDPOINT_BUS (self), NULL);

  return self->endpoint;
}

const char *
tc_endpoint_bus_get_path (TcEndpointBus *self)
{
  g_return_val_if_fail (TC_IS_ENDPOINT_BUS (self), NULL);

  return self->path;
}
