/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-tincand.h — a stand-in for tincand in tincanctl's tests: a private bus
 * (GTestDBus) and org.tincan.Tincan1 served on it from this process, from
 * the generated skeletons (Manager at /org/tincan/Tincan1 with an
 * ObjectManager, Endpoint objects below it, Session+Media objects below
 * those), answering with canned outcomes and recording what tincanctl sent.
 */
#pragma once

#include <gio/gio.h>

#include "tincan-dbus-generated.h"

G_BEGIN_DECLS

#define BUS_NAME "org.tincan.Tincan1"
#define ROOT_PATH "/org/tincan/Tincan1"
#define EP_PATH(id) "/org/tincan/Tincan1/endpoint/" id

/* The fake daemon and the bus it is on. */
typedef struct {
  GTestDBus *bus;
  GDBusConnection *connection;
  GDBusObjectManagerServer *objects;
  TcDBusManager *manager;
  GHashTable *endpoints; /* id -> TcDBusEndpoint skeleton */
  guint owner_id;
  gboolean name_acquired;

  GVariant *settings; /* the last CreateEndpoint settings */
  GPtrArray *acked;   /* AcknowledgeMessage ids */
  int trace;          /* -1 never set, else the last SetTrace */
  char *sent_target;  /* the last SendMessage */
  char *sent_type;
  GBytes *sent_body;
  guint64 sent_cookie;
  GHashTable *session_counts; /* endpoint id -> the last session number */
  char *call_target;          /* the last Call */
  GVariant *call_options;
  GPtrArray *session_calls; /* "Method (args)" of every Session method call, in order */
} FakeTincand;

/* The bodies of the two pending messages: text needing every kind of escaping, and binary. */
extern const char fake_tincand_text_body[];
extern const guint8 fake_tincand_binary_body[4];

void fake_tincand_bus_up (FakeTincand *f, const char *service_dir);
void fake_tincand_start (FakeTincand *f);
void fake_tincand_stop (FakeTincand *f);
void fake_tincand_add_endpoint (FakeTincand *f, const char *id, const char *uri, const char *kind);
void fake_tincand_remove_endpoint (FakeTincand *f, const char *id);
void fake_tincand_set_state (TcDBusEndpoint *endpoint, const char *state, guint status, const char *reason,
                             GVariant *details);
char *fake_tincand_add_session (FakeTincand *f, const char *endpoint_id, const char *direction, const char *state,
                                const char *remote_uri);
TcDBusSession *fake_tincand_session (FakeTincand *f, const char *path);
TcDBusMedia *fake_tincand_media (FakeTincand *f, const char *path);
void fake_tincand_set_session_state (TcDBusSession *session, const char *state, guint status, const char *reason,
                                     GVariant *details);
GVariant *fake_tincand_message (const char *id, const char *from, const char *type, const void *body, gsize len);

G_END_DECLS
