/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincanctl-commands.c — the management commands of tincanctl: list,
 * show, add, remove, trace and version.  Like every command, each parses and
 * checks its whole command line before it touches the bus, so a usage error
 * (exit 2) never depends on the daemon.
 *
 * Free-text options are declared G_OPTION_ARG_FILENAME so that GOption keeps
 * their bytes as given instead of converting them from the locale's charset;
 * they are then required to be UTF-8, as D-Bus strings are.
 */
#include <stdio.h>
#include <string.h>

#include "tincanctl.h"

/* ---- list, show ---- */

typedef struct {
  const char *const *order; /* Manager.Endpoints, creation order */
} EndpointOrder;

static int
endpoint_rank (const EndpointOrder *order, const char *path)
{
  int i;

  for (i = 0; order->order && order->order[i]; i++)
    {
      if (strcmp (order->order[i], path) == 0)
        return i;
    }
  return G_MAXINT;
}

static int
compare_endpoints (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const char *path_a = g_dbus_proxy_get_object_path (*(GDBusProxy *const *) a);
  const char *path_b = g_dbus_proxy_get_object_path (*(GDBusProxy *const *) b);
  int rank_a = endpoint_rank (user_data, path_a);
  int rank_b = endpoint_rank (user_data, path_b);

  if (rank_a != rank_b)
    return rank_a < rank_b ? -1 : 1;
  return strcmp (path_a, path_b);
}

/* The endpoints the object manager knows, in the order of Manager.Endpoints. */
static GPtrArray *
collect_endpoints (TcCtl *ctl, GDBusObjectManager *manager)
{
  GPtrArray *endpoints = g_ptr_array_new_with_free_func (g_object_unref);
  GList *objects = g_dbus_object_manager_get_objects (manager);
  EndpointOrder order = { tc_dbus_manager_get_endpoints (ctl->manager) };
  GList *l;

  for (l = objects; l; l = l->next)
    {
      GDBusInterface *iface = g_dbus_object_get_interface (l->data, TC_CTL_ENDPOINT_IFACE);

      if (iface)
        g_ptr_array_add (endpoints, iface);
    }
  g_list_free_full (objects, g_object_unref);
  g_ptr_array_sort_with_data (endpoints, compare_endpoints, &order);
  return endpoints;
}

/* @value, or "-" when it is NULL or empty. */
const char *
tc_ctl_or_dash (const char *value)
{
  return value && *value ? value : "-";
}

static void
print_endpoint_table (GPtrArray *endpoints)
{
  static const char *const headings[] = { "ID", "URI", "KIND", "STATE", "CONTACT" };
  enum {
    N_COLUMNS = G_N_ELEMENTS (headings)
  };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  guint i;

  g_ptr_array_add (rows, g_memdup2 (headings, sizeof headings));
  for (i = 0; i < endpoints->len; i++)
    {
      TcDBusEndpoint *endpoint = g_ptr_array_index (endpoints, i);
      const char **row = g_new (const char *, N_COLUMNS);

      row[0] = tc_ctl_endpoint_id (g_dbus_proxy_get_object_path (G_DBUS_PROXY (endpoint)));
      row[1] = tc_ctl_or_dash (tc_dbus_endpoint_get_uri (endpoint));
      row[2] = tc_ctl_or_dash (tc_dbus_endpoint_get_kind (endpoint));
      row[3] = tc_ctl_or_dash (tc_dbus_endpoint_get_registration_state (endpoint));
      row[4] = tc_ctl_or_dash (tc_dbus_endpoint_get_contact (endpoint));
      g_ptr_array_add (rows, row);
    }
  tc_ctl_write_table (rows, N_COLUMNS);
}

int
tc_ctl_cmd_list (TcCtl *ctl, char **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GDBusObjectManager) manager = NULL;
  g_autoptr (GPtrArray) endpoints = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  guint i;

  if (!tc_ctl_parse (ctl, argv, NULL,
                     "Text output is a table; with --json, one object per endpoint:\n"
                     "  {\"endpoint\", \"path\", \"uri\", \"kind\", \"registration_state\", \"contact\"}",
                     0, 0, &args, &status))
    return status;
  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK)
    return status;

  manager =
    tc_dbus_object_manager_client_new_sync (ctl->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                            TC_CTL_BUS_NAME, TC_CTL_MANAGER_PATH, NULL, &error);
  if (!manager)
    return tc_ctl_report_error (ctl, error);
  endpoints = collect_endpoints (ctl, manager);

  if (!ctl->json)
    {
      print_endpoint_table (endpoints);
      return TC_CTL_EXIT_OK;
    }
  for (i = 0; i < endpoints->len; i++)
    {
      TcDBusEndpoint *endpoint = g_ptr_array_index (endpoints, i);
      GVariantBuilder record;

      g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
      tc_ctl_record_add_endpoint (&record, g_dbus_proxy_get_object_path (G_DBUS_PROXY (endpoint)));
      tc_ctl_record_add_string (&record, "uri", tc_dbus_endpoint_get_uri (endpoint));
      tc_ctl_record_add_string (&record, "kind", tc_dbus_endpoint_get_kind (endpoint));
      tc_ctl_record_add_string (&record, "registration_state", tc_dbus_endpoint_get_registration_state (endpoint));
      tc_ctl_record_add_string (&record, "contact", tc_dbus_endpoint_get_contact (endpoint));
      tc_ctl_emit_record (ctl, &record);
    }
  return TC_CTL_EXIT_OK;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * tc_ctl_proxy_properties:
 *
 * Returns the cached properties of @proxy as a{sv} with their D-Bus names:
 * those of @info (the interface XML) in its order, then any other the daemon
 * has (a newer daemon), sorted by name.
 */
GVariant *
tc_ctl_proxy_properties (GDBusProxy *proxy, GDBusInterfaceInfo *info)
{
  g_auto (GStrv) cached = g_dbus_proxy_get_cached_property_names (proxy);
  g_autoptr (GPtrArray) others = g_ptr_array_new ();
  GVariantBuilder properties;
  guint i;

  g_variant_builder_init (&properties, G_VARIANT_TYPE_VARDICT);
  for (i = 0; info->properties && info->properties[i]; i++)
    {
      g_autoptr (GVariant) value = g_dbus_proxy_get_cached_property (proxy, info->properties[i]->name);

      if (value)
        g_variant_builder_add (&properties, "{sv}", info->properties[i]->name, value);
    }
  for (i = 0; cached && cached[i]; i++)
    {
      if (!g_dbus_interface_info_lookup_property (info, cached[i]))
        g_ptr_array_add (others, cached[i]);
    }
  g_ptr_array_sort (others, compare_strings);
  for (i = 0; i < others->len; i++)
    {
      const char *name = g_ptr_array_index (others, i);
      g_autoptr (GVariant) value = g_dbus_proxy_get_cached_property (proxy, name);

      g_variant_builder_add (&properties, "{sv}", name, value);
    }
  return g_variant_builder_end (&properties);
}

/* The endpoint's properties, as tc_ctl_proxy_properties() gives them. */
GVariant *
tc_ctl_endpoint_properties (TcDBusEndpoint *endpoint)
{
  return tc_ctl_proxy_properties (G_DBUS_PROXY (endpoint), tc_dbus_endpoint_interface_info ());
}

int
tc_ctl_cmd_show (TcCtl *ctl, char **argv)
{
  g_auto (GStrv) args = NULL;
  g_autofree char *path = NULL;
  g_autoptr (TcDBusEndpoint) endpoint = NULL;
  g_autoptr (GVariant) properties = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  GVariantBuilder record;
  GVariantIter iter;
  const char *name;
  GVariant *value;
  int status;

  if (!tc_ctl_parse (ctl, argv, NULL,
                     "Prints every property of the endpoint as \"Name: value\" lines; with --json, one object\n"
                     "with \"endpoint\", \"path\" and each property in snake case (\"registration_state\", ...).",
                     1, 1, &args, &status))
    return status;
  if (!(path = tc_ctl_endpoint_path (ctl, args[0], &status)))
    return status;
  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK || (status = tc_ctl_get_endpoint (ctl, &path, &endpoint)))
    return status;
  properties = g_variant_ref_sink (tc_ctl_endpoint_properties (endpoint));

  if (ctl->json)
    {
      g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
      tc_ctl_record_add_endpoint (&record, path);
      g_variant_iter_init (&iter, properties);
      while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
        {
          g_autofree char *key = tc_ctl_snake_case (name);

          g_variant_builder_add (&record, "{sv}", key, value);
        }
      tc_ctl_emit_record (ctl, &record);
      return TC_CTL_EXIT_OK;
    }

  g_string_append_printf (text, "%-19s %s\n%-19s %s", "Endpoint:", tc_ctl_endpoint_id (path), "Path:", path);
  g_variant_iter_init (&iter, properties);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      g_autofree char *label = g_strconcat (name, ":", NULL);

      g_string_append_printf (text, "\n%-19s ", label);
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        g_string_append (text, g_variant_get_string (value, NULL));
      else
        tc_ctl_text_append_value (text, value);
    }
  tc_ctl_write_line (text->str);
  return TC_CTL_EXIT_OK;
}

/* ---- add, remove ---- */

static gboolean
is_one_of (const char *value, const char *const *set)
{
  return g_strv_contains (set, value);
}

/* One line of standard input, without its line end; NULL when there is none. */
static char *
read_stdin_line (void)
{
  GString *line = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  if (line->len == 0 || strlen (line->str) != line->len)
    {
      memset (line->str, 0, line->len);
      g_string_free (line, TRUE);
      return NULL;
    }
  return g_string_free (line, FALSE);
}

static void
clear_secret (char **secret)
{
  if (*secret)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

/* Parses --header "Name: value" values into a(ss); NULL with a usage error. */
GVariant *
tc_ctl_parse_headers (TcCtl *ctl, char **headers, int *status)
{
  GVariantBuilder builder;
  guint i;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (i = 0; headers[i]; i++)
    {
      const char *colon = strchr (headers[i], ':');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (!tc_ctl_check_utf8 (ctl, "--header", headers[i], status))
        goto fail;
      if (!colon)
        {
          *status = tc_ctl_usage_error (ctl, "--header '%s': expected 'Name: value'", headers[i]);
          goto fail;
        }
      name = g_strstrip (g_strndup (headers[i], colon - headers[i]));
      value = g_strstrip (g_strdup (colon + 1));
      if (!*name)
        {
          *status = tc_ctl_usage_error (ctl, "--header '%s': the header name is empty", headers[i]);
          goto fail;
        }
      g_variant_builder_add (&builder, "(ss)", name, value);
    }
  return g_variant_builder_end (&builder);

fail:
  g_variant_builder_clear (&builder);
  return NULL;
}

typedef struct {
  char *kind;
  char *registrar;
  char *proxy;
  char *transport;
  char *listen;
  char *username;
  char *password;
  gboolean password_stdin;
  char *display_name;
  char *expires;
  char *instance_id;
  gboolean persist;
  char **headers;
} AddOptions;

static void
add_options_clear (AddOptions *options)
{
  g_free (options->kind);
  g_free (options->registrar);
  g_free (options->proxy);
  g_free (options->transport);
  g_free (options->listen);
  g_free (options->username);
  clear_secret (&options->password);
  g_free (options->display_name);
  g_free (options->expires);
  g_free (options->instance_id);
  g_strfreev (options->headers);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AddOptions, add_options_clear)

/* Builds the CreateEndpoint settings from what the user gave, and only that;
 * NULL with a usage error. */
static GVariant *
build_settings (TcCtl *ctl, const char *uri, AddOptions *o, int *status)
{
  static const char *const kinds[] = { "registered", "peer-to-peer", NULL };
  static const char *const transports[] = { "udp", "tcp", "tls", "ws", "wss", NULL };
  const struct {
    const char *option;
    const char *key;
    const char *value;
  } strings[] = {
    { "--kind", "kind", o->kind },
    { "--display-name", "display-name", o->display_name },
    { "--username", "auth-username", o->username },
    { "--password", "password", o->password },
    { "--registrar", "registrar", o->registrar },
    { "--proxy", "outbound-proxy", o->proxy },
    { "--transport", "transport", o->transport },
    { "--listen", "listen", o->listen },
    { "--instance-id", "instance-id", o->instance_id },
  };
  g_auto (GVariantBuilder) settings = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  guint64 expires = 0;
  gsize i;

  if (!tc_ctl_check_utf8 (ctl, "URI", uri, status))
    return NULL;
  if (g_ascii_strncasecmp (uri, "sip:", 4) != 0 && g_ascii_strncasecmp (uri, "sips:", 5) != 0)
    {
      *status = tc_ctl_usage_error (ctl, "'%s' is not a sip: or sips: URI", uri);
      return NULL;
    }
  for (i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      if (strings[i].value && !tc_ctl_check_utf8 (ctl, strings[i].option, strings[i].value, status))
        return NULL;
    }
  if (o->kind && !is_one_of (o->kind, kinds))
    {
      *status = tc_ctl_usage_error (ctl, "--kind must be registered or peer-to-peer, not '%s'", o->kind);
      return NULL;
    }
  if (o->transport && !is_one_of (o->transport, transports))
    {
      *status = tc_ctl_usage_error (ctl, "--transport must be one of udp tcp tls ws wss, not '%s'", o->transport);
      return NULL;
    }
  if (o->expires && !g_ascii_string_to_unsigned (o->expires, 10, 1, G_MAXUINT32, &expires, NULL))
    {
      *status = tc_ctl_usage_error (ctl, "--expires must be a number of seconds from 1 to %u, not '%s'", G_MAXUINT32,
                                    o->expires);
      return NULL;
    }

  g_variant_builder_add (&settings, "{sv}", "uri", g_variant_new_string (uri));
  for (i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      if (strings[i].value)
        g_variant_builder_add (&settings, "{sv}", strings[i].key, g_variant_new_string (strings[i].value));
    }
  if (o->expires)
    g_variant_builder_add (&settings, "{sv}", "expires", g_variant_new_uint32 ((guint32) expires));
  if (o->persist)
    g_variant_builder_add (&settings, "{sv}", "persist", g_variant_new_boolean (TRUE));
  if (o->headers)
    {
      GVariant *headers = tc_ctl_parse_headers (ctl, o->headers, status);

      if (!headers)
        return NULL;
      g_variant_builder_add (&settings, "{sv}", "extra-headers", headers);
    }
  return g_variant_builder_end (&settings);
}

int
tc_ctl_cmd_add (TcCtl *ctl, char **argv)
{
  g_auto (AddOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_FILENAME, &o.kind, "registered (the default) or peer-to-peer", "KIND" },
    { "registrar", 0, 0, G_OPTION_ARG_FILENAME, &o.registrar, "Registrar URI (default: the host of URI)", "URI" },
    { "proxy", 0, 0, G_OPTION_ARG_FILENAME, &o.proxy, "Outbound proxy URI", "URI" },
    { "transport", 0, 0, G_OPTION_ARG_FILENAME, &o.transport, "udp, tcp, tls, ws or wss", "T" },
    { "listen", 0, 0, G_OPTION_ARG_FILENAME, &o.listen, "Local address to listen on (host:port)", "ADDR" },
    { "username", 0, 0, G_OPTION_ARG_FILENAME, &o.username, "Digest username (default: the user of URI)", "U" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &o.password_stdin, "Read the password from standard input", NULL },
    { "password", 0, 0, G_OPTION_ARG_FILENAME, &o.password,
      "Digest password (visible to other local users; prefer --password-stdin)", "P" },
    { "display-name", 0, 0, G_OPTION_ARG_FILENAME, &o.display_name, "Display name put in From", "N" },
    { "expires", 0, 0, G_OPTION_ARG_FILENAME, &o.expires, "Requested registration expiry in seconds", "N" },
    { "instance-id", 0, 0, G_OPTION_ARG_FILENAME, &o.instance_id, "The +sip.instance, a urn:uuid: URN", "URN" },
    { "persist", 0, 0, G_OPTION_ARG_NONE, &o.persist, "Save the account so it is loaded after a restart", NULL },
    { "header", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.headers,
      "Add a header to every request the endpoint sends (repeatable)", "'NAME: VALUE'" },
    G_OPTION_ENTRY_NULL,
  };
  g_auto (GStrv) args = NULL;
  g_autoptr (GVariant) settings = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  GVariantBuilder record;
  int status;

  if (!tc_ctl_parse (ctl, argv, entries,
                     "Sends only the settings given.  Prints the new endpoint's object path; with --json\n"
                     "{\"endpoint\", \"path\"}.",
                     1, 1, &args, &status))
    return status;
  if (o.password && o.password_stdin)
    return tc_ctl_usage_error (ctl, "--password and --password-stdin cannot be used together");
  if (o.password_stdin && !(o.password = read_stdin_line ()))
    return tc_ctl_usage_error (ctl, "--password-stdin: no password on standard input");
  if (!(settings = build_settings (ctl, args[0], &o, &status)))
    return status;
  g_variant_ref_sink (settings);
  clear_secret (&o.password);

  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK)
    return status;
  if (!tc_dbus_manager_call_create_endpoint_sync (ctl->manager, settings, G_DBUS_CALL_FLAGS_NONE, -1, &path, NULL,
                                                  &error))
    return tc_ctl_report_error (ctl, error);

  if (!ctl->json)
    {
      tc_ctl_write_line (path);
      return TC_CTL_EXIT_OK;
    }
  g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
  tc_ctl_record_add_endpoint (&record, path);
  tc_ctl_emit_record (ctl, &record);
  return TC_CTL_EXIT_OK;
}

int
tc_ctl_cmd_remove (TcCtl *ctl, char **argv)
{
  g_auto (GStrv) args = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  GVariantBuilder record;
  int status;

  if (!tc_ctl_parse (ctl, argv, NULL, "Prints nothing; with --json {\"endpoint\", \"path\", \"removed\": true}.", 1, 1,
                     &args, &status))
    return status;
  if (!(path = tc_ctl_endpoint_path (ctl, args[0], &status)))
    return status;
  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK || (status = tc_ctl_resolve_endpoint (ctl, &path)))
    return status;
  if (!tc_dbus_manager_call_remove_endpoint_sync (ctl->manager, path, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return tc_ctl_report_error (ctl, error);

  if (ctl->json)
    {
      g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
      tc_ctl_record_add_endpoint (&record, path);
      g_variant_builder_add (&record, "{sv}", "removed", g_variant_new_boolean (TRUE));
      tc_ctl_emit_record (ctl, &record);
    }
  return TC_CTL_EXIT_OK;
}

/* ---- trace, version ---- */

int
tc_ctl_cmd_trace (TcCtl *ctl, char **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  GVariantBuilder record;
  gboolean enabled;
  int status;

  if (!tc_ctl_parse (ctl, argv, NULL, "Prints nothing; with --json {\"trace\": true|false}.", 1, 1, &args, &status))
    return status;
  if (strcmp (args[0], "on") == 0)
    enabled = TRUE;
  else if (strcmp (args[0], "off") == 0)
    enabled = FALSE;
  else
    return tc_ctl_usage_error (ctl, "expected on or off, not '%s'", args[0]);

  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK)
    return status;
  if (!tc_dbus_manager_call_set_trace_sync (ctl->manager, enabled, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return tc_ctl_report_error (ctl, error);

  if (ctl->json)
    {
      g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&record, "{sv}", "trace", g_variant_new_boolean (enabled));
      tc_ctl_emit_record (ctl, &record);
    }
  return TC_CTL_EXIT_OK;
}

int
tc_ctl_cmd_version (TcCtl *ctl, char **argv)
{
  g_auto (GStrv) args = NULL;
  GVariantBuilder record;
  int status;

  if (!tc_ctl_parse (ctl, argv, NULL, "Prints client=VERSION daemon=VERSION; with --json {\"client\", \"daemon\"}.", 0,
                     0, &args, &status))
    return status;
  if ((status = tc_ctl_connect (ctl)) != TC_CTL_EXIT_OK)
    return status;

  g_variant_builder_init (&record, G_VARIANT_TYPE_VARDICT);
  tc_ctl_record_add_string (&record, "client", TINCAN_VERSION);
  tc_ctl_record_add_string (&record, "daemon", tc_dbus_manager_get_version (ctl->manager));
  tc_ctl_emit_record (ctl, &record);
  return TC_CTL_EXIT_OK;
}
