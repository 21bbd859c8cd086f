/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uri-private.h — the layout of TcSipUri, shared by uri.c (scanning,
 * getters, setters, printing) and uri-compare.c (RFC 3261 §19.1.4 and
 * RFC 3966 §4 equivalence).
 */
#pragma once

#include "sip/uri.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  gsize name_len;
  char *value; /* NULL: a parameter without "=value" */
  gsize value_len;
} UriPair;

struct _TcSipUri {
  gint ref_count;
  TcSipUriScheme scheme;
  TcSipHostType host_type;
  guint16 port;
  char *user;
  gsize user_len;
  char *password;
  gsize password_len;
  char *host;
  GArray *params;  /* UriPair */
  GArray *headers; /* UriPair */
};

G_END_DECLS
