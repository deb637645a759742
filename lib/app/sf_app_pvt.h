/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_APP_PVT_H
#define SF_APP_PVT_H

/*
 * The application-context layer (docs/architecture.md): lcores that run
 * on_accept and on_close off the workers, reached over rings, as one
 * implementation of a connection's way up (struct sf_conn_ops); the
 * other is inline, in the TCP layer. Also the public close and reset of
 * a connection, which either act on the owning worker or go to it over
 * a command ring. It uses the TCP layer and what is below; the engine
 * creates it and drives it. Private header, not installed.
 */

#include <stdint.h>

#include <rte_per_lcore.h>
#include <rte_ring.h>

#include "sf_engine.h"
#include "sf_cnt.h"
#include "sf_tcp.h"
#include "sf_tcp_pvt.h"

/* What an accept ring carries: a worker tells an application context. */
enum sf_app_ev {
	SF_APP_EV_ACCEPT = 1,  /* run on_accept */
	SF_APP_EV_CLOSE,       /* run on_close with am_why */
	SF_APP_EV_DATA,        /* run on_data with am_data's bytes */
};

/*
 * One accept-ring element. Everything the application context needs is
 * copied in on the worker, so it never reads the connection, which the
 * worker goes on changing (and may free and reuse).
 */
struct sf_app_msg {
	uint8_t am_ev;                     /* enum sf_app_ev */
	uint8_t am_why;                    /* enum sf_close_reason */
	uint16_t am_listener;              /* listener id */
	uint32_t am_gen;                   /* connection generation */
	struct sf_conn *am_conn;           /* the handle */
	/* ACCEPT: the third ACK's data, or NULL; DATA: the bytes (the
	 * mbuf holds just them) */
	struct rte_mbuf *am_data;
	sf_on_accept_t am_on_accept;       /* the listener's, when sent */
	sf_on_close_t am_on_close;
	sf_on_data_t am_on_data;           /* DATA: the connection's */
	sf_on_writable_t am_on_writable;   /* ACCEPT: the connection's */
	void *am_arg;
	struct sf_conn_info am_ci;         /* ACCEPT only */
};

/* Command-ring operations: an application context asks a worker. */
enum sf_app_cmd_op {
	SF_APP_CMD_CLOSE = 1,
	SF_APP_CMD_RESET,
	SF_APP_CMD_SEND,                   /* queue ac_m's bytes */
	SF_APP_CMD_SHUTDOWN,
};

/* One command-ring element (24 bytes). */
struct sf_app_cmd {
	struct sf_conn *ac_conn;
	struct rte_mbuf *ac_m;             /* SEND: the chain, else NULL */
	uint32_t ac_gen;                   /* what the application saw */
	uint32_t ac_op;                    /* enum sf_app_cmd_op */
};

/* What an application context knows of a connection slot it holds. */
#define SF_APP_SL_SHUT    0x01  /* closed or shut down here: no sends */
#define SF_APP_SL_BLOCKED 0x02  /* a send was refused: on_writable owed */
#define SF_APP_SL_LISTED  0x04  /* in ac_blocked (maybe no longer owed) */

struct sf_app_slot {
	uint32_t sl_gen;                   /* 0: not held */
	/* bytes sent over the command ring, added up (wrapping); less the
	 * worker's wt_snd_freed count, those its send budget holds */
	uint32_t sl_sent;
	uint16_t sl_flags;                 /* SF_APP_SL_* */
	uint16_t sl_mss;                   /* as on_accept was told */
	sf_on_writable_t sl_on_writable;
	void *sl_arg;
};

struct sf_apps;

/*
 * An application context. Owned by the lcore that polls it; other
 * threads read its counters and lcore only.
 */
struct sf_app_ctx {
	struct sf_stats ac_st;             /* its counters */
	struct sf_apps *ac_apps;           /* all of them, read-only */
	unsigned int ac_idx;               /* context index: after workers */
	unsigned int ac_lcore;             /* lcore seen polling, or ANY */
	struct rte_ring **ac_acc;          /* accept rings in, per worker */
	struct rte_ring **ac_cmd;          /* command rings out, per worker */
	/*
	 * Each connection slot of each worker as accepted here: its
	 * generation, checked by the worker when a command comes back, and
	 * the send budget kept here (wt_snd_max mbufs and sndbuf bytes, the
	 * worker's own limits, so that the worker never refuses a send
	 * it was sent).
	 */
	struct sf_app_slot *ac_slots;
	/* slots (worker * capacity + id) owed an on_writable, checked each
	 * poll: ac_nb_blocked of them */
	uint32_t *ac_blocked;
	uint32_t ac_nb_blocked;
} __rte_cache_aligned;

/*
 * A worker's side of the rings: the state of sf_app_conn_ops for that
 * worker (its wt_up). Owned by the worker's lcore.
 */
struct sf_wapp {
	struct sf_apps *wa_apps;
	struct sf_wtcp *wa_wt;             /* the worker */
	unsigned int wa_idx;               /* worker index */
	struct rte_ring *wa_acc[SF_MAX_APPS];   /* accept rings out */
	struct rte_ring *wa_cmd[SF_MAX_APPS];   /* command rings in */
};

/* Every application context and every ring, read-only after create. */
struct sf_apps {
	unsigned int ap_nb_workers;
	unsigned int ap_nb_apps;
	struct sf_etcp *ap_et;             /* listeners, workers' tables */
	struct sf_app_ctx *ap_ctx;         /* ap_nb_apps */
	struct sf_wapp *ap_w;              /* ap_nb_workers */
	/* every ring, for drain and free: [producer * n + consumer] */
	struct rte_ring **ap_acc_r;        /* workers x apps, accept */
	struct rte_ring **ap_cmd_r;        /* apps x workers, command */
	uint32_t **ap_freed;               /* per worker: its wt_snd_freed */
};

/*
 * The application context whose poll runs on this lcore, or NULL on a
 * worker (whose poll sets it so): sf_conn_close(), sf_conn_reset(),
 * the sends and sf_conn_shutdown() called there go to the owning worker
 * over a command ring.
 */
RTE_DECLARE_PER_LCORE(struct sf_app_ctx *, sf_app_cur);

/*
 * Make nb_apps contexts (context indexes first_idx on) with rings of
 * ring_size to and from each worker of et; sf_apps_fini() frees them
 * (after sf_apps_drain() and once nobody polls).
 */
int sf_apps_init(struct sf_apps *ap, struct sf_etcp *et,
		unsigned int nb_apps, unsigned int first_idx,
		unsigned int ring_size, int socket);
void sf_apps_drain(struct sf_apps *ap);
void sf_apps_fini(struct sf_apps *ap);

/* Worker i's connections go up over the rings from now on. */
void sf_apps_attach(struct sf_apps *ap, unsigned int i);

/* Worker side, every poll: the commands applications sent. */
unsigned int sf_app_cmd_poll(struct sf_wapp *wa);

#endif /* SF_APP_PVT_H */
