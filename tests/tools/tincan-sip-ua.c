/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincan-sip-ua — a small user agent on the Tincan SIP stack, for the
 * interop tests (SIPp, Kamailio) and the OPTIONS benchmark.  It is not the
 * product (that is tincand); it exposes the stack on a command line.
 *
 *   tincan-sip-ua --listen udp:127.0.0.1:0 --serve
 *       answers OPTIONS/MESSAGE/BYE with 200, INVITE with 180 + 200 (a
 *       small SDP), anything else with 405, until killed.  Prints
 *       "LISTEN <transport> <address> <port>" for each socket first.
 *   tincan-sip-ua --listen udp:127.0.0.1:0 --send MESSAGE --to sip:b@host:port
 *       [--from sip:a@host] [--body TEXT] [--user U --password P]
 *       [--proxy sip:proxy;lr] [--count N]
 *       sends N requests one after the other; prints "FINAL <status>" for
 *       each; exit status 0 when every one got a 2xx.
 *   tincan-sip-ua … --call sip:b@host:port [--duration-ms N]
 *       INVITE, ACK, wait N ms, BYE; prints each step; 0 when all succeeded.
 *   tincan-sip-ua … --register sip:registrar --aor sip:u@domain --user U --password P
 *       REGISTER (digest auth) then, with --serve, stays to take requests.
 *
 * --count N repeats --send and --call.  --read-timeout-ms N: a TCP/TLS
 * connection holding part of a message for N ms is closed (slow-loris).
 * With --serve, --ring-ms N holds the 200 to a new INVITE for N ms after
 * the 180, so that a CANCEL can arrive (prints "CANCELLED" when one does).
 * Each request served is printed as "REQUEST <method> <body>" (the body
 * cut at 200 bytes, line breaks shown as spaces) unless --quiet.
 */
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "sip/net-transport.h"
#include "sip/transport-mux.h"
#include "sip/ws-transport.h"
#include "sip/sip-error.h"
#include "sip/stack.h"

static const char minimal_sdp[] = "v=0\r\n"
                                  "o=tincan 1 1 IN IP4 127.0.0.1\r\n"
                                  "s=-\r\n"
                                  "c=IN IP4 127.0.0.1\r\n"
                                  "t=0 0\r\n"
                                  "m=audio 40000 RTP/AVP 0\r\n"
                                  "a=rtpmap:0 PCMU/8000\r\n";

typedef struct {
  GMainLoop *loop;
  TcSipStack *stack;
  TcSipDigestCache *credentials;
  TcSipRouteSet *route_set;
  gboolean quiet;
  gint failures;
  gboolean done;
  guint last_status;
  guint expect_status;  /* a final status that counts as success (487 when cancelling) */
  gint cancel_after_ms; /* -1: do not cancel */
  guint cancel_timer;
  TcSipRequest *cancel_request;
  TcSipDialog *dialog;
} App;

static char **opt_listen;
static gboolean opt_serve;
static char *opt_send;
static char *opt_to;
static char *opt_from;
static char *opt_body;
static char *opt_user;
static char *opt_password;
static char *opt_proxy;
static char *opt_call;
static char *opt_register;
static char *opt_aor;
static gint opt_count = 1;
static gint opt_cancel_after_ms = -1;
static gboolean opt_reinvite;
static gint opt_duration_ms = 100;
static gint opt_expires = 300;
static gint opt_ring_ms;
static gint opt_read_timeout_ms;
static gboolean opt_quiet;

static const GOptionEntry entries[] = {
  { "listen", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &opt_listen, "Listen on TRANSPORT:ADDRESS:PORT", "SPEC" },
  { "serve", 0, 0, G_OPTION_ARG_NONE, &opt_serve, "Answer incoming requests until killed", NULL },
  { "send", 0, 0, G_OPTION_ARG_STRING, &opt_send, "Send a request with this method", "METHOD" },
  { "to", 0, 0, G_OPTION_ARG_STRING, &opt_to, "Target URI", "URI" },
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from, "From URI (default sip:tincan@127.0.0.1)", "URI" },
  { "body", 0, 0, G_OPTION_ARG_STRING, &opt_body, "text/plain body", "TEXT" },
  { "user", 0, 0, G_OPTION_ARG_STRING, &opt_user, "Digest user name", "NAME" },
  { "password", 0, 0, G_OPTION_ARG_STRING, &opt_password, "Digest password", "PASSWORD" },
  { "proxy", 0, 0, G_OPTION_ARG_STRING, &opt_proxy, "Outbound proxy URI", "URI" },
  { "call", 0, 0, G_OPTION_ARG_STRING, &opt_call, "INVITE this URI, then BYE", "URI" },
  { "cancel-after-ms", 0, 0, G_OPTION_ARG_INT, &opt_cancel_after_ms,
    "With --call: CANCEL the INVITE this long after its first provisional response (success is a 487)", "MS" },
  { "reinvite", 0, 0, G_OPTION_ARG_NONE, &opt_reinvite, "With --call: send a re-INVITE in the call before the BYE",
    NULL },
  { "duration-ms", 0, 0, G_OPTION_ARG_INT, &opt_duration_ms, "Call duration", "MS" },
  { "register", 0, 0, G_OPTION_ARG_STRING, &opt_register, "REGISTER at this registrar URI", "URI" },
  { "aor", 0, 0, G_OPTION_ARG_STRING, &opt_aor, "Address of record to register", "URI" },
  { "expires", 0, 0, G_OPTION_ARG_INT, &opt_expires, "Registration expiry", "SECONDS" },
  { "ring-ms", 0, 0, G_OPTION_ARG_INT, &opt_ring_ms, "--serve: answer a new INVITE N ms after the 180", "MS" },
  { "read-timeout-ms", 0, 0, G_OPTION_ARG_INT, &opt_read_timeout_ms,
    "Close a stream holding half a message this long (default 30 s)", "MS" },
  { "count", 0, 0, G_OPTION_ARG_INT, &opt_count, "Send the request N times", "N" },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, "Print only LISTEN and FINAL lines", NULL },
  { NULL },
};

static gboolean
parse_listen (const char *spec, TcSipTransportType *type, GInetSocketAddress **address, GError **error)
{
  const char *colon = strchr (spec, ':');
  const char *last;
  g_autofree char *host = NULL;
  guint64 port;

  if (!colon || !tc_sip_transport_type_from_string (spec, colon - spec, type))
    goto bad;
  last = strrchr (colon + 1, ':');
  if (!last)
    goto bad;
  host = g_strndup (colon + 1, last - colon - 1);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = inner;
    }
  if (!g_ascii_string_to_unsigned (last + 1, 10, 0, 65535, &port, NULL))
    goto bad;
  *address = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string (host, port));
  if (!*address)
    goto bad;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--listen %s: expected TRANSPORT:ADDRESS:PORT", spec);
  return FALSE;
}

/* ---- serving ------------------------------------------------------------------ */

static void
answer_invite (TcSipIncoming *incoming)
{
  g_autoptr (GError) error = NULL;
  TcSipMessageBuilder *response = tc_sip_incoming_new_response (incoming, 200, NULL, "tincan");

  tc_sip_message_builder_set_body (response, "application/sdp", minimal_sdp, sizeof minimal_sdp - 1);
  if (!tc_sip_incoming_respond (incoming, response, &error))
    g_printerr ("responding: %s\n", error->message);
}

static gboolean
on_ring_over (gpointer user_data)
{
  TcSipIncoming *incoming = user_data;

  /* A CANCEL may have come meanwhile: the stack answered 487 then. */
  if (!tc_sip_incoming_is_answered (incoming))
    answer_invite (incoming);
  return G_SOURCE_REMOVE;
}

static void
on_request (TcSipStack *stack, TcSipIncoming *incoming, gpointer user_data)
{
  App *app = user_data;
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);
  TcSipMethod method = tc_sip_message_get_method (request);
  g_autoptr (GError) error = NULL;

  if (!app->quiet)
    {
      TcSipStr name = tc_sip_message_get_method_name (request);
      TcSipStr body = tc_sip_message_get_body (request);
      g_autofree char *text = g_strndup (body.str, MIN (body.len, 200));

      g_strdelimit (text, "\r\n", ' ');
      g_print ("REQUEST %.*s %s\n", (int) name.len, name.str, text);
      fflush (stdout);
    }
  switch (method)
    {
    case TC_SIP_METHOD_OPTIONS:
    case TC_SIP_METHOD_MESSAGE:
    case TC_SIP_METHOD_NOTIFY:
    case TC_SIP_METHOD_INFO:
    case TC_SIP_METHOD_UPDATE:
      tc_sip_incoming_respond_status (incoming, 200, NULL, &error);
      break;
    case TC_SIP_METHOD_BYE:
      tc_sip_incoming_respond_status (incoming, 200, NULL, &error);
      if (tc_sip_incoming_get_dialog (incoming))
        tc_sip_stack_end_dialog (stack, tc_sip_incoming_get_dialog (incoming));
      break;
    case TC_SIP_METHOD_INVITE:
      if (tc_sip_incoming_get_dialog (incoming))
        {
          answer_invite (incoming); /* a re-INVITE */
          break;
        }
      if (!tc_sip_incoming_respond (incoming, tc_sip_incoming_new_response (incoming, 180, NULL, "tincan"), &error))
        break;
      if (opt_ring_ms > 0)
        g_timeout_add_full (G_PRIORITY_DEFAULT, opt_ring_ms, on_ring_over, tc_sip_incoming_ref (incoming),
                            (GDestroyNotify) tc_sip_incoming_unref);
      else
        answer_invite (incoming);
      break;
    default:
      tc_sip_incoming_respond_status (incoming, 405, NULL, &error);
      break;
    }
  if (error)
    g_printerr ("responding: %s\n", error->message);
}

static void
on_cancelled (TcSipStack *stack, TcSipIncoming *invite, TcSipMessage *cancel, gpointer user_data)
{
  App *app = user_data;

  if (!app->quiet)
    {
      g_print ("CANCELLED\n");
      fflush (stdout);
    }
  if (tc_sip_incoming_get_dialog (invite))
    tc_sip_stack_end_dialog (stack, tc_sip_incoming_get_dialog (invite));
}

static const TcSipStackHandlers serve_handlers = {
  .request = on_request,
  .cancelled = on_cancelled,
};

/* ---- sending --------------------------------------------------------------------- */

static void
on_final (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *error, gpointer user_data)
{
  App *app = user_data;
  guint status = response ? tc_sip_message_get_status (response) : 0;

  app->last_status = status;
  g_print ("FINAL %u%s%s\n", status, error ? " " : "", error ? error->message : "");
  fflush (stdout);
  if (app->cancel_timer)
    {
      g_source_remove (app->cancel_timer);
      app->cancel_timer = 0;
    }
  g_clear_pointer (&app->cancel_request, tc_sip_request_unref);
  if ((status < 200 || status >= 300) && !(app->expect_status && status == app->expect_status))
    app->failures++;
  if (dialog)
    {
      g_clear_pointer (&app->dialog, tc_sip_dialog_unref);
      app->dialog = tc_sip_dialog_ref (dialog);
    }
  app->done = TRUE;
}

static gboolean
on_cancel_timer (gpointer user_data)
{
  App *app = user_data;
  g_autoptr (TcSipRequest) request = g_steal_pointer (&app->cancel_request);

  app->cancel_timer = 0;
  g_print ("CANCEL\n");
  fflush (stdout);
  tc_sip_request_cancel (request, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_provisional (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, gpointer user_data)
{
  App *app = user_data;

  if (!app->quiet)
    g_print ("PROVISIONAL %u\n", tc_sip_message_get_status (response));
  if (app->cancel_after_ms >= 0 && !app->cancel_timer && !app->cancel_request &&
      tc_sip_message_get_status (response) > 100)
    {
      app->cancel_request = tc_sip_request_ref (request);
      app->cancel_timer = g_timeout_add (app->cancel_after_ms, on_cancel_timer, app);
    }
}

static const TcSipRequestHandlers send_handlers = {
  .provisional = on_provisional,
  .final = on_final,
};

static gboolean
send_and_wait (App *app, TcSipDialog *dialog, TcSipMessageBuilder *builder, const char *contact_user)
{
  TcSipRequestOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipRequest) request = NULL;

  tc_sip_request_options_init (&options);
  options.credentials = app->credentials;
  options.route_set = app->route_set;
  options.contact_user = contact_user;
  app->done = FALSE;
  request = tc_sip_stack_send_request (app->stack, dialog, builder, &options, &send_handlers, app, &error);
  if (!request)
    {
      g_printerr ("cannot send: %s\n", error->message);
      app->failures++;
      return FALSE;
    }
  while (!app->done)
    g_main_context_iteration (NULL, TRUE);
  return app->last_status >= 200 && app->last_status < 300;
}

static gboolean
on_quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
sleep_ms (guint ms)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, on_quit, loop);
  g_main_loop_run (loop);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("— a user agent on the Tincan SIP stack");
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipClock) clock = NULL;
  g_autoptr (TcSipNetTransport) net = NULL;
  g_autoptr (TcSipWsTransport) ws = NULL;
  g_autoptr (TcSipTransportMux) mux = tc_sip_transport_mux_new ();
  TcSipNetTransportConfig net_config;
  TcSipStackConfig config;
  const char *from;
  App app = { 0 };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  app.quiet = opt_quiet;
  app.cancel_after_ms = -1;
  from = opt_from ? opt_from : "sip:tincan@127.0.0.1";

  clock = tc_sip_clock_new_main_loop (NULL);
  tc_sip_net_transport_config_init (&net_config);
  if (opt_read_timeout_ms > 0)
    net_config.read_timeout_us = (gint64) opt_read_timeout_ms * 1000;
  net = tc_sip_net_transport_new (&net_config, clock, &error);
  if (!net)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; opt_listen && opt_listen[i]; i++)
    {
      TcSipTransportType type;
      g_autoptr (GInetSocketAddress) address = NULL;
      GInetSocketAddress *bound;
      g_autofree char *host = NULL;

      if (!parse_listen (opt_listen[i], &type, &address, &error) ||
          !tc_sip_net_transport_listen (net, type, address, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      bound = tc_sip_net_transport_get_local_address (
        net, type, g_inet_address_get_family (g_inet_socket_address_get_address (address)));
      host = g_inet_address_to_string (g_inet_socket_address_get_address (bound));
      g_print ("LISTEN %s %s %u\n", tc_sip_transport_type_to_string (type), host,
               g_inet_socket_address_get_port (bound));
    }
  fflush (stdout);

  tc_sip_stack_config_init (&config);
  config.user_agent = "tincan-sip-ua";
  ws = tc_sip_ws_transport_new (NULL, clock, &error);
  if (!ws)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  tc_sip_transport_mux_add (mux, TC_SIP_TRANSPORT (net));
  tc_sip_transport_mux_add (mux, TC_SIP_TRANSPORT (ws));
  app.stack = tc_sip_stack_new (TC_SIP_TRANSPORT (mux), NULL, clock, &config);
  if (opt_serve)
    tc_sip_stack_set_handlers (app.stack, &serve_handlers, &app);
  if (opt_user)
    {
      g_autoptr (TcSipDigestCredentials) credentials =
        tc_sip_digest_credentials_new (opt_user, opt_password ? opt_password : "", &error);

      if (!credentials)
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
      app.credentials = tc_sip_digest_cache_new (credentials);
    }
  if (opt_proxy)
    {
      g_autoptr (TcSipUri) proxy = tc_sip_uri_parse (opt_proxy, -1, &error);

      if (!proxy)
        {
          g_printerr ("--proxy: %s\n", error->message);
          return 2;
        }
      app.route_set = tc_sip_route_set_new (proxy);
    }

  if (opt_register)
    {
      const char *aor = opt_aor ? opt_aor : from;
      TcSipMessageBuilder *builder = tc_sip_stack_new_request (app.stack, "REGISTER", opt_register, aor, aor, &error);

      if (!builder)
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
      tc_sip_message_builder_add_header_printf (builder, "Expires", "%d", opt_expires);
      send_and_wait (&app, NULL, builder, opt_user ? opt_user : "tincan");
    }

  if (opt_send)
    for (gint i = 0; i < opt_count; i++)
      {
        TcSipMessageBuilder *builder;

        if (!opt_to)
          {
            g_printerr ("--send needs --to\n");
            return 2;
          }
        builder = tc_sip_stack_new_request (app.stack, opt_send, opt_to, from, opt_to, &error);
        if (!builder)
          {
            g_printerr ("%s\n", error->message);
            return 2;
          }
        if (opt_body)
          tc_sip_message_builder_set_body (builder, "text/plain;charset=UTF-8", opt_body, strlen (opt_body));
        send_and_wait (&app, NULL, builder, NULL);
      }

  if (opt_call)
    for (gint i = 0; i < opt_count; i++)
      {
        TcSipMessageBuilder *builder = tc_sip_stack_new_request (app.stack, "INVITE", opt_call, from, opt_call, &error);

        if (!builder)
          {
            g_printerr ("%s\n", error->message);
            return 2;
          }
        tc_sip_message_builder_set_body (builder, "application/sdp", minimal_sdp, sizeof minimal_sdp - 1);
        app.cancel_after_ms = opt_cancel_after_ms;
        app.expect_status = opt_cancel_after_ms >= 0 ? 487 : 0;
        if (send_and_wait (&app, NULL, builder, "tincan") && app.dialog)
          {
            g_autoptr (TcSipDialog) dialog = tc_sip_dialog_ref (app.dialog);

            app.cancel_after_ms = -1;
            app.expect_status = 0;
            g_print ("CONNECTED\n");
            fflush (stdout);
            sleep_ms (opt_duration_ms);
            if (opt_reinvite)
              {
                builder = tc_sip_dialog_build_request (dialog, "INVITE", &error);
                if (builder)
                  {
                    tc_sip_message_builder_set_body (builder, "application/sdp", minimal_sdp, sizeof minimal_sdp - 1);
                    if (send_and_wait (&app, dialog, builder, "tincan"))
                      g_print ("REINVITED\n");
                    fflush (stdout);
                  }
                else
                  {
                    g_printerr ("re-INVITE: %s\n", error->message);
                    g_clear_error (&error);
                    app.failures++;
                  }
              }
            builder = tc_sip_dialog_build_request (dialog, "BYE", &error);
            if (builder)
              send_and_wait (&app, dialog, builder, NULL);
            else
              {
                g_printerr ("BYE: %s\n", error->message);
                g_clear_error (&error);
                app.failures++;
              }
            tc_sip_stack_end_dialog (app.stack, dialog);
            g_clear_pointer (&app.dialog, tc_sip_dialog_unref);
          }
      }
  fflush (stdout);

  if (opt_serve)
    {
      app.loop = g_main_loop_new (NULL, FALSE);
      g_unix_signal_add (SIGTERM, on_quit, app.loop);
      g_unix_signal_add (SIGINT, on_quit, app.loop);
      g_main_loop_run (app.loop);
    }
  else
    sleep_ms (50); /* let the last ACK leave */

  g_clear_pointer (&app.dialog, tc_sip_dialog_unref);
  g_clear_pointer (&app.credentials, tc_sip_digest_cache_unref);
  g_clear_pointer (&app.route_set, tc_sip_route_set_unref);
  g_clear_object (&app.stack);
  g_clear_pointer (&app.loop, g_main_loop_unref);
  return app.failures ? 1 : 0;
}
