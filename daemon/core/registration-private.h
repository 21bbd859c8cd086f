/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registration-private.h — the parts of TcRegistration in other files.
 */
#pragma once

#include "sip/message.h"

G_BEGIN_DECLS

/* Our Contact among @response's bindings: the one with the URI of the
 * Contact @sent carried, else the one with @instance_id (nullable) as its
 * +sip.instance; NULL when the registrar did not bind us.  Borrowed from
 * @response. */
const TcSipContact *tc_registration_find_contact (const char *instance_id, TcSipMessage *sent, TcSipMessage *response);

G_END_DECLS
