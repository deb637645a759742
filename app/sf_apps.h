/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_APPS_H
#define SF_APPS_H

/*
 * The built-in applications (--app), one ops table each, as l3fwd and
 * testpmd select their modes.
 */

#include "sf_conf.h"
#include "sf_tcp.h"

struct sf_app_ops {
	const char *name;
	sf_on_accept_t on_accept;  /* NULL: never accept */
	sf_on_close_t on_close;    /* NULL: the engine closes on peer FIN */
};

/* The ops of a built-in application. */
const struct sf_app_ops *sf_app_ops(enum sf_app_kind kind);

#endif /* SF_APPS_H */
