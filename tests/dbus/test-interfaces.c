/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for the dbus/ interface XML: each file parses and declares its one
 * interface, every interface, method, argument, property and signal carries a
 * non-empty org.gtk.GDBus.DocString, the closed sets of enumerations are
 * documented, and the generated code (tincan-dbus-generated.[ch]) links and
 * describes the same interfaces as the XML. */
#include <string.h>

#include "tincan-dbus-generated.h"

#define DOC_KEY "org.gtk.GDBus.DocString"

typedef struct {
  const char *file;
  const char *interface;
} InterfaceFile;

static const InterfaceFile interface_files[] = {
  { "org.tincan.Tincan1.Manager.xml", "org.tincan.Tincan1.Manager" },
  { "org.tincan.Tincan1.Endpoint.xml", "org.tincan.Tincan1.Endpoint" },
  { "org.tincan.Tincan1.Session.xml", "org.tincan.Tincan1.Session" },
  { "org.tincan.Tincan1.Media.xml", "org.tincan.Tincan1.Media" },
};

static GDBusNodeInfo *
load_node (const char *file)
{
  g_autofree char *path = g_build_filename (TC_DBUS_XML_DIR, file, NULL);
  g_autofree char *xml = NULL;
  g_autoptr (GError) error = NULL;
  GDBusNodeInfo *node;

  g_file_get_contents (path, &xml, NULL, &error);
  g_assert_no_error (error);
  node = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static GDBusInterfaceInfo *
load_interface (const InterfaceFile *f, GDBusNodeInfo **node_out)
{
  GDBusNodeInfo *node = load_node (f->file);
  GDBusInterfaceInfo *iface = g_dbus_node_info_lookup_interface (node, f->interface);

  g_assert_nonnull (iface);
  *node_out = node;
  return iface;
}

/* Appends "what" to @missing when @annotations has no non-blank DocString. */
static void
check_doc (GDBusAnnotationInfo **annotations, GPtrArray *missing, const char *what)
{
  const char *doc = g_dbus_annotation_info_lookup (annotations, DOC_KEY);
  g_autofree char *stripped = g_strstrip (g_strdup (doc ? doc : ""));

  if (*stripped == '\0')
    g_ptr_array_add (missing, g_strdup (what));
}

static void
check_args_doc (GDBusArgInfo **args, const char *owner, GPtrArray *missing)
{
  for (guint i = 0; args && args[i]; i++)
    {
      g_autofree char *what = g_strdup_printf ("%s arg %s", owner, args[i]->name);
      check_doc (args[i]->annotations, missing, what);
    }
}

/* Returns the undocumented items of @iface, NULL-terminated. */
static GStrv
undocumented_items (GDBusInterfaceInfo *iface)
{
  GPtrArray *missing = g_ptr_array_new ();

  check_doc (iface->annotations, missing, iface->name);
  for (guint i = 0; iface->methods && iface->methods[i]; i++)
    {
      GDBusMethodInfo *m = iface->methods[i];
      g_autofree char *what = g_strdup_printf ("method %s", m->name);

      check_doc (m->annotations, missing, what);
      check_args_doc (m->in_args, what, missing);
      check_args_doc (m->out_args, what, missing);
    }
  for (guint i = 0; iface->signals && iface->signals[i]; i++)
    {
      GDBusSignalInfo *s = iface->signals[i];
      g_autofree char *what = g_strdup_printf ("signal %s", s->name);

      check_doc (s->annotations, missing, what);
      check_args_doc (s->args, what, missing);
    }
  for (guint i = 0; iface->properties && iface->properties[i]; i++)
    {
      g_autofree char *what = g_strdup_printf ("property %s", iface->properties[i]->name);
      check_doc (iface->properties[i]->annotations, missing, what);
    }
  g_ptr_array_add (missing, NULL);
  return (GStrv) g_ptr_array_free (missing, FALSE);
}

static void
test_parse (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (interface_files); i++)
    {
      g_autoptr (GDBusNodeInfo) node = load_node (interface_files[i].file);

      /* One interface per file, the one the file is named after. */
      g_assert_nonnull (node->interfaces);
      g_assert_nonnull (node->interfaces[0]);
      g_assert_null (node->interfaces[1]);
      g_assert_cmpstr (node->interfaces[0]->name, ==, interface_files[i].interface);
    }
}

/* The checker itself finds each kind of missing or blank documentation. */
static void
test_doc_checker_detects_gaps (void)
{
  static const char xml[] = "<node><interface name='t.I'>"
                            "<annotation name='" DOC_KEY "' value='documented'/>"
                            "<method name='M'><annotation name='" DOC_KEY "' value='ok'/>"
                            "<arg name='a' direction='in' type='s'/>"
                            "<arg name='r' direction='out' type='s'>"
                            "<annotation name='" DOC_KEY "' value='  '/></arg></method>"
                            "<method name='N'><arg name='b' direction='in' type='s'>"
                            "<annotation name='" DOC_KEY "' value='ok'/></arg></method>"
                            "<signal name='S'><annotation name='" DOC_KEY "' value='ok'/>"
                            "<arg name='c' type='u'/></signal>"
                            "<property name='P' type='s' access='read'/>"
                            "</interface></node>";
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (xml, &error);
  g_auto (GStrv) missing = NULL;
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  missing = undocumented_items (node->interfaces[0]);
  joined = g_strjoinv ("|", missing);
  g_assert_cmpstr (joined, ==, "method M arg a|method M arg r|method N|signal S arg c|property P");
}

static void
test_everything_documented (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (interface_files); i++)
    {
      g_autoptr (GDBusNodeInfo) node = NULL;
      GDBusInterfaceInfo *iface = load_interface (&interface_files[i], &node);
      g_auto (GStrv) missing = undocumented_items (iface);
      g_autofree char *joined = g_strjoinv (", ", missing);

      if (missing[0] != NULL)
        g_test_message ("%s: undocumented: %s", interface_files[i].file, joined);
      g_assert_cmpstr (joined, ==, "");
    }
}

/* @doc mentions every word of @words (space-separated) as a whole word. */
static void
assert_doc_mentions (const char *doc, const char *words)
{
  g_auto (GStrv) list = g_strsplit (words, " ", -1);

  g_assert_nonnull (doc);
  for (guint i = 0; list[i]; i++)
    {
      g_autofree char *pattern = g_strdup_printf ("(^|[^a-z-])%s($|[^a-z-])", list[i]);

      if (!g_regex_match_simple (pattern, doc, 0, 0))
        g_error ("documentation does not mention \"%s\": %s", list[i], doc);
    }
}

static const char *
property_doc (GDBusInterfaceInfo *iface, const char *name)
{
  GDBusPropertyInfo *p = g_dbus_interface_info_lookup_property (iface, name);

  g_assert_nonnull (p);
  return g_dbus_annotation_info_lookup (p->annotations, DOC_KEY);
}

static const char *
method_doc (GDBusInterfaceInfo *iface, const char *name)
{
  GDBusMethodInfo *m = g_dbus_interface_info_lookup_method (iface, name);

  g_assert_nonnull (m);
  return g_dbus_annotation_info_lookup (m->annotations, DOC_KEY);
}

/* The closed sets, option keys and refused headers of dbus-api.md are
 * spelled out in the XML. */
static void
test_contract_documented (void)
{
  g_autoptr (GDBusNodeInfo) mnode = NULL;
  g_autoptr (GDBusNodeInfo) enode = NULL;
  GDBusInterfaceInfo *manager = load_interface (&interface_files[0], &mnode);
  GDBusInterfaceInfo *endpoint = load_interface (&interface_files[1], &enode);

  assert_doc_mentions (property_doc (endpoint, "RegistrationState"),
                       "unregistered registering registered unregistering rejected error");
  assert_doc_mentions (property_doc (endpoint, "Kind"), "registered peer-to-peer");
  assert_doc_mentions (property_doc (endpoint, "Transport"), "udp tcp tls ws wss");
  assert_doc_mentions (property_doc (endpoint, "PasswordStore"), "none secret-service credentials-file memory");
  assert_doc_mentions (method_doc (manager, "CreateEndpoint"),
                       "uri kind display-name auth-username password registrar outbound-proxy transport "
                       "listen expires instance-id persist extra-headers registered peer-to-peer "
                       "udp tcp tls ws wss org.tincan.Tincan1.Error.InvalidArgs");
  assert_doc_mentions (method_doc (endpoint, "SendMessage"), "cookie org.tincan.Tincan1.Error.InvalidArgs");
  assert_doc_mentions (method_doc (endpoint, "SetAdditionalHeaders"),
                       "Via From To Call-ID CSeq Max-Forwards Contact Content-Length Route Record-Route "
                       "org.tincan.Tincan1.Error.InvalidArgs");
  assert_doc_mentions (method_doc (endpoint, "AcknowledgeMessage"), "org.tincan.Tincan1.Error.NotFound");
}

/* Signatures fixed by dbus-api.md. */
static void
assert_args (GDBusArgInfo **args, const char *expected)
{
  g_autoptr (GString) got = g_string_new (NULL);

  for (guint i = 0; args && args[i]; i++)
    g_string_append_printf (got, "%s%s %s", i ? ", " : "", args[i]->signature, args[i]->name);
  g_assert_cmpstr (got->str, ==, expected);
}

static void
test_signatures (void)
{
  g_autoptr (GDBusNodeInfo) mnode = NULL;
  g_autoptr (GDBusNodeInfo) enode = NULL;
  GDBusInterfaceInfo *manager = load_interface (&interface_files[0], &mnode);
  GDBusInterfaceInfo *endpoint = load_interface (&interface_files[1], &enode);
  const char *state_change = "s state, s previous, u sip_status, s reason_phrase, a{sv} details";

  assert_args (g_dbus_interface_info_lookup_method (manager, "CreateEndpoint")->in_args, "a{sv} settings");
  assert_args (g_dbus_interface_info_lookup_method (manager, "CreateEndpoint")->out_args, "o endpoint");
  assert_args (g_dbus_interface_info_lookup_method (manager, "RemoveEndpoint")->in_args, "o endpoint");
  assert_args (g_dbus_interface_info_lookup_method (manager, "SetTrace")->in_args, "b enabled");
  g_assert_cmpstr (g_dbus_interface_info_lookup_property (manager, "Endpoints")->signature, ==, "ao");
  g_assert_cmpstr (g_dbus_interface_info_lookup_property (manager, "Version")->signature, ==, "s");

  assert_args (g_dbus_interface_info_lookup_signal (endpoint, "RegistrationStateChanged")->args, state_change);
  assert_args (g_dbus_interface_info_lookup_signal (endpoint, "OperationComplete")->args,
               "t cookie, u sip_status, s reason, a{sv} details");
  assert_args (g_dbus_interface_info_lookup_method (endpoint, "SendMessage")->in_args,
               "s target, s content_type, ay body, a{sv} options");
  assert_args (g_dbus_interface_info_lookup_method (endpoint, "SetAdditionalHeaders")->in_args, "a(ss) headers");
  assert_args (g_dbus_interface_info_lookup_signal (endpoint, "MessageReceived")->args,
               "s id, s from, s to, s content_type, ay body, a{sv} details");
  assert_args (g_dbus_interface_info_lookup_method (endpoint, "ListPendingMessages")->out_args,
               "a(ssssaya{sv}) messages");
  g_assert_cmpstr (g_dbus_interface_info_lookup_property (endpoint, "PasswordStore")->signature, ==, "s");
  for (guint i = 0; endpoint->properties[i]; i++)
    g_assert_true (endpoint->properties[i]->flags == G_DBUS_PROPERTY_INFO_FLAGS_READABLE);
  for (guint i = 0; manager->properties[i]; i++)
    g_assert_true (manager->properties[i]->flags == G_DBUS_PROPERTY_INFO_FLAGS_READABLE);
}

static const char *
arg_annotation (GDBusArgInfo **args, const char *name, const char *key)
{
  for (guint i = 0; args && args[i]; i++)
    {
      if (g_str_equal (args[i]->name, name))
        return g_dbus_annotation_info_lookup (args[i]->annotations, key);
    }
  g_error ("no argument %s", name);
}

/* Message bodies are any bytes: the generated code must hand them over as a
 * GVariant, not as a NUL-terminated bytestring that stops at the first 0. */
static void
test_bodies_binary_safe (void)
{
  g_autoptr (GDBusNodeInfo) enode = NULL;
  GDBusInterfaceInfo *endpoint = load_interface (&interface_files[1], &enode);
  const char *force = "org.gtk.GDBus.C.ForceGVariant";

  g_assert_cmpstr (
    arg_annotation (g_dbus_interface_info_lookup_method (endpoint, "SendMessage")->in_args, "body", force), ==, "true");
  g_assert_cmpstr (
    arg_annotation (g_dbus_interface_info_lookup_signal (endpoint, "MessageReceived")->args, "body", force), ==,
    "true");
}

static gsize
count_members (gpointer *array)
{
  gsize n = 0;

  while (array && array[n])
    n++;
  return n;
}

/* The generated code was produced from these files: same names, members. */
static void
assert_generated_matches (GDBusInterfaceInfo *generated, GDBusInterfaceInfo *xml)
{
  g_assert_cmpstr (generated->name, ==, xml->name);
  g_assert_cmpuint (count_members ((gpointer *) generated->methods), ==, count_members ((gpointer *) xml->methods));
  g_assert_cmpuint (count_members ((gpointer *) generated->signals), ==, count_members ((gpointer *) xml->signals));
  g_assert_cmpuint (count_members ((gpointer *) generated->properties), ==,
                    count_members ((gpointer *) xml->properties));
  for (guint i = 0; xml->methods && xml->methods[i]; i++)
    g_assert_nonnull (g_dbus_interface_info_lookup_method (generated, xml->methods[i]->name));
  for (guint i = 0; xml->signals && xml->signals[i]; i++)
    g_assert_nonnull (g_dbus_interface_info_lookup_signal (generated, xml->signals[i]->name));
  for (guint i = 0; xml->properties && xml->properties[i]; i++)
    g_assert_nonnull (g_dbus_interface_info_lookup_property (generated, xml->properties[i]->name));
}

static void
test_generated_code (void)
{
  g_autoptr (GDBusNodeInfo) mnode = NULL;
  g_autoptr (GDBusNodeInfo) enode = NULL;
  GDBusInterfaceInfo *manager_xml = load_interface (&interface_files[0], &mnode);
  GDBusInterfaceInfo *endpoint_xml = load_interface (&interface_files[1], &enode);
  g_autoptr (TcDBusManagerSkeleton) manager = TC_DBUS_MANAGER_SKELETON (tc_dbus_manager_skeleton_new ());
  g_autoptr (TcDBusEndpoint) endpoint = tc_dbus_endpoint_skeleton_new ();
  g_autoptr (TcDBusObjectSkeleton) object = tc_dbus_object_skeleton_new ("/org/tincan/Tincan1/endpoint/1");
  g_autoptr (TcDBusEndpoint) from_object = NULL;

  assert_generated_matches (g_dbus_interface_skeleton_get_info (G_DBUS_INTERFACE_SKELETON (manager)), manager_xml);
  assert_generated_matches (tc_dbus_endpoint_interface_info (), endpoint_xml);

  /* Properties are plain GObject properties of the skeleton. */
  tc_dbus_endpoint_set_registration_state (endpoint, "registering");
  g_assert_cmpstr (tc_dbus_endpoint_get_registration_state (endpoint), ==, "registering");

  /* The object manager types are generated too. */
  tc_dbus_object_skeleton_set_endpoint (object, endpoint);
  from_object = tc_dbus_object_get_endpoint (TC_DBUS_OBJECT (object));
  g_assert_true (from_object == endpoint);
  g_assert_null (tc_dbus_object_peek_manager (TC_DBUS_OBJECT (object)));
  g_assert_true (g_type_is_a (TC_DBUS_TYPE_OBJECT_MANAGER_CLIENT, G_TYPE_DBUS_OBJECT_MANAGER_CLIENT));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dbus/interfaces/parse", test_parse);
  g_test_add_func ("/dbus/interfaces/doc-checker-detects-gaps", test_doc_checker_detects_gaps);
  g_test_add_func ("/dbus/interfaces/everything-documented", test_everything_documented);
  g_test_add_func ("/dbus/interfaces/contract-documented", test_contract_documented);
  g_test_add_func ("/dbus/interfaces/signatures", test_signatures);
  g_test_add_func ("/dbus/interfaces/bodies-binary-safe", test_bodies_binary_safe);
  g_test_add_func ("/dbus/interfaces/generated-code", test_generated_code);
  return g_test_run ();
}
