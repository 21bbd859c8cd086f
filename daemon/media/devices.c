/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * devices.c — audio devices by name through GstDeviceMonitor.
 *
 * The monitor is asked only when a call names a device: probing starts the
 * providers (PulseAudio, PipeWire, ALSA), which costs milliseconds and a
 * connection, and the common cases ("auto", "none") need none of it.
 */
#include "media/devices.h"

#include "media/media-engine.h"
#include "media/media-error.h"

static const char *const name_properties[] = { "node.name", "device.name", "alsa.name", "api.alsa.path" };

static gboolean
device_matches (GstDevice *device, const char *name, gboolean fold)
{
  g_autofree char *display = gst_device_get_display_name (device);
  g_autoptr (GstStructure) properties = gst_device_get_properties (device);

  if (display && (fold ? g_ascii_strcasecmp (display, name) == 0 : g_str_equal (display, name)))
    return TRUE;
  for (guint i = 0; properties && i < G_N_ELEMENTS (name_properties); i++)
    {
      const char *value = gst_structure_get_string (properties, name_properties[i]);

      if (value && (fold ? g_ascii_strcasecmp (value, name) == 0 : g_str_equal (value, name)))
        return TRUE;
    }
  return FALSE;
}

static GstElement *
make_device (const char *klass, const char *kind, const char *name, GError **error)
{
  g_autoptr (GstDeviceMonitor) monitor = gst_device_monitor_new ();
  g_autoptr (GString) available = g_string_new (NULL);
  GList *devices;
  GstElement *element = NULL;

  gst_device_monitor_add_filter (monitor, klass, NULL);
  devices = gst_device_monitor_get_devices (monitor);
  for (guint pass = 0; pass < 2 && !element; pass++)
    for (GList *l = devices; l && !element; l = l->next)
      if (device_matches (l->data, name, pass == 1))
        element = gst_device_create_element (l->data, NULL);
  for (GList *l = devices; l; l = l->next)
    {
      g_autofree char *display = gst_device_get_display_name (l->data);

      g_string_append_printf (available, "%s\"%s\"", available->len ? ", " : "", display);
    }
  g_list_free_full (devices, gst_object_unref);
  if (!element)
    g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "no audio %s named \"%s\" (there are: %s)", kind, name,
                 available->len ? available->str : "none");
  return element;
}

static GstElement *
make_factory (const char *factory, GError **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (!element)
    g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "GStreamer element %s is missing", factory);
  return element;
}

GstElement *
tc_media_devices_make_source (const char *spec, GError **error)
{
  if (g_str_equal (spec, "auto"))
    return make_factory ("autoaudiosrc", error);
  if (g_str_has_prefix (spec, "device:"))
    return make_device ("Audio/Source", "source", spec + 7, error);
  g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "audio source \"%s\" is not a device", spec);
  return NULL;
}

GstElement *
tc_media_devices_make_sink (const char *spec, GError **error)
{
  GstElement *sink;

  if (g_str_equal (spec, "none"))
    {
      /* Discard as fast as it comes: no clock waits, no preroll. */
      sink = make_factory ("fakesink", error);
      if (sink)
        g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
      return sink;
    }
  if (g_str_equal (spec, "auto"))
    return make_factory ("autoaudiosink", error);
  if (g_str_has_prefix (spec, "device:"))
    return make_device ("Audio/Sink", "sink", spec + 7, error);
  g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "audio sink \"%s\" is not a device", spec);
  return NULL;
}

/* ---- the device list ------------------------------------------------------ */

struct _TcMediaDeviceWatch {
  GstDeviceMonitor *monitor;
  guint bus_watch;
  TcMediaDevicesChanged changed;
  gpointer user_data;
};

static gboolean
on_monitor_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  TcMediaDeviceWatch *watch = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_DEVICE_ADDED ||
      GST_MESSAGE_TYPE (message) == GST_MESSAGE_DEVICE_REMOVED ||
      GST_MESSAGE_TYPE (message) == GST_MESSAGE_DEVICE_CHANGED)
    watch->changed (watch->user_data);
  return G_SOURCE_CONTINUE;
}

TcMediaDeviceWatch *
tc_media_device_watch_new (TcMediaDevicesChanged changed, gpointer user_data, GError **error)
{
  TcMediaDeviceWatch *watch;
  g_autoptr (GstBus) bus = NULL;

  if (!tc_media_engine_ensure (error))
    return NULL;
  watch = g_new0 (TcMediaDeviceWatch, 1);
  watch->changed = changed;
  watch->user_data = user_data;
  watch->monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (watch->monitor, "Audio/Source", NULL);
  gst_device_monitor_add_filter (watch->monitor, "Audio/Sink", NULL);
  bus = gst_device_monitor_get_bus (watch->monitor);
  watch->bus_watch = gst_bus_add_watch (bus, on_monitor_message, watch);
  if (!gst_device_monitor_start (watch->monitor))
    g_debug ("devices: no device provider could be started; the list is what probing finds");
  return watch;
}

void
tc_media_device_watch_free (TcMediaDeviceWatch *watch)
{
  if (!watch)
    return;
  g_clear_handle_id (&watch->bus_watch, g_source_remove);
  gst_device_monitor_stop (watch->monitor);
  gst_object_unref (watch->monitor);
  g_free (watch);
}

/* The name "device:NAME" finds: the first identifying property, else the
 * display name (device_matches() accepts both). */
static char *
device_name (GstDevice *device, const GstStructure *properties)
{
  for (guint i = 0; properties && i < G_N_ELEMENTS (name_properties); i++)
    {
      const char *value = gst_structure_get_string (properties, name_properties[i]);

      if (value && *value)
        return g_strdup (value);
    }
  return gst_device_get_display_name (device);
}

GVariant *
tc_media_device_watch_list (TcMediaDeviceWatch *watch)
{
  GVariantBuilder builder;
  GList *devices = gst_device_monitor_get_devices (watch->monitor);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (GList *l = devices; l; l = l->next)
    {
      GstDevice *device = l->data;
      g_autoptr (GstStructure) properties = gst_device_get_properties (device);
      g_autofree char *name = device_name (device, properties);
      g_autofree char *display = gst_device_get_display_name (device);
      const char *api = properties ? gst_structure_get_string (properties, "device.api") : NULL;
      GVariantDict dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, "name", "s", name);
      g_variant_dict_insert (&dict, "display-name", "s", display ? display : name);
      g_variant_dict_insert (&dict, "direction", "s",
                             gst_device_has_classes (device, "Audio/Source") ? "source" : "sink");
      if (api)
        g_variant_dict_insert (&dict, "api", "s", api);
      g_variant_builder_add_value (&builder, g_variant_dict_end (&dict));
    }
  g_list_free_full (devices, gst_object_unref);
  return g_variant_builder_end (&builder);
}
