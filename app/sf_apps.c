/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Built-in applications. Each callback runs inline on the worker lcore
 * that owns the connection.
 *
 *   sink   accept and hold: data is acknowledged and discarded; nothing
 *          is sent; when the peer closes, the engine closes too (no
 *          on_close), so connections do not pile up in CLOSE-WAIT
 *   rst    accept, then reset at once
 *   close  accept, then close at once (FIN, then TIME-WAIT)
 *   none   never accept: connections wait in the accept queue until it
 *          holds backlog + 1, like a server that never calls accept()
 */

#include <stddef.h>

#include "sf_apps.h"

static void
sf_app_sink_accept(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	RTE_SET_USED(c);
	RTE_SET_USED(ci);
	RTE_SET_USED(arg);
}

static void
sf_app_rst_accept(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	RTE_SET_USED(ci);
	RTE_SET_USED(arg);
	sf_conn_reset(c);
}

static void
sf_app_close_accept(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	RTE_SET_USED(ci);
	RTE_SET_USED(arg);
	sf_conn_close(c);
}

static const struct sf_app_ops sf_apps[] = {
	[SF_APP_SINK] = {
		.name = "sink",
		.on_accept = sf_app_sink_accept,
	},
	[SF_APP_RST] = {
		.name = "rst",
		.on_accept = sf_app_rst_accept,
	},
	[SF_APP_CLOSE] = {
		.name = "close",
		.on_accept = sf_app_close_accept,
	},
	[SF_APP_NONE] = {
		.name = "none",
	},
};

const struct sf_app_ops *
sf_app_ops(enum sf_app_kind kind)
{
	return (unsigned int)kind < RTE_DIM(sf_apps) ? &sf_apps[kind] : NULL;
}
