/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_TCP_H
#define SF_TCP_H

/**
 * @file
 * synfront passive open: listeners, connections and the application
 * callbacks.
 *
 * Listeners are added, changed and removed at any time, also while the
 * workers run: the listener table is read under RCU (rte_rcu_qsbr), so
 * the fast path takes no lock. Each worker answers SYNs for a listener,
 * keeps the half-open requests of the flows that reach it, validates
 * third ACKs and hands every established connection to the listener's
 * on_accept callback: inline on the worker lcore that owns the
 * connection, or, when the engine has application contexts
 * (sf_engine_params.nb_apps), on the application lcore the worker hands
 * it to over an accept ring. The application then keeps, closes or
 * resets the connection through its handle, from the lcore its
 * callbacks run on; from an application lcore the close or reset goes
 * back to the owning worker over a command ring.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sf_engine.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sf_conn;

/** Most listeners one engine holds. */
#define SF_MAX_LISTENERS 64

/** Why on_close is called. */
enum sf_close_reason {
	/**
	 * The peer sent FIN (all data before it was acknowledged). The
	 * handle stays valid: the application answers with sf_conn_close()
	 * or sf_conn_reset(), as a socket owner calls close() after read()
	 * returned 0.
	 */
	SF_CLOSE_PEER_FIN = 0,
	/** The peer reset the connection; the handle is gone on return. */
	SF_CLOSE_RESET,
	/**
	 * The connection ended after an orderly close (both FINs
	 * acknowledged, or our FIN given up on); the handle is gone on
	 * return.
	 */
	SF_CLOSE_DONE,
	/** The engine or the listener went away; the handle is gone. */
	SF_CLOSE_ABORT,
	/**
	 * Data went unacknowledged through every retransmission, or as
	 * many zero-window probes went unanswered
	 * (sf_engine_params.tcp_retries2), or keepalive probes went
	 * unanswered, or the connection was idle longer than its
	 * listener's idle_timeout_ms (the last two reset it); the handle
	 * is gone on return. (A connection given up after the
	 * application's close ends with SF_CLOSE_DONE.)
	 */
	SF_CLOSE_TIMEOUT,
	/**
	 * An active open (sf_engine_connect()) was refused: the peer
	 * answered our SYN with a RST (ECONNREFUSED).
	 */
	SF_CLOSE_REFUSED,
	/**
	 * An active open found no way to the peer: no route, the next hop
	 * did not answer neighbour resolution, or an ICMP destination
	 * unreachable quoted our SYN (EHOSTUNREACH, ENETUNREACH).
	 */
	SF_CLOSE_UNREACH,
	SF_CLOSE_MAX,            /**< number of reasons */
};

/**
 * The name of a close reason: "peer_fin", "reset", "done", "abort",
 * "timeout", "refused", "unreachable"; "?" for none.
 */
const char *sf_close_reason_name(enum sf_close_reason why);

/** Negotiated options of a connection (SF_CONN_F_* in ci_flags). */
#define SF_CONN_F_WSCALE 0x01 /**< window scaling on both sides */
#define SF_CONN_F_SACK   0x02 /**< SACK permitted */
#define SF_CONN_F_TS     0x04 /**< timestamps (RFC 7323) */
#define SF_CONN_F_ECN    0x08 /**< ECN negotiated (RFC 3168) */
#define SF_CONN_F_FIN    0x10 /**< the third ACK carried the peer's FIN */

/** What an application learns about a connection. */
struct sf_conn_info {
	struct sf_addr local;       /**< our address (prefix_len full) */
	struct sf_addr remote;      /**< the peer's address */
	uint16_t local_port;        /**< host order */
	uint16_t remote_port;       /**< host order */
	uint16_t port_id;           /**< ethdev port the connection uses */
	/**
	 * listener id (sf_engine_listen()), or SF_LISTENER_NONE for a
	 * connection we opened (sf_engine_connect())
	 */
	uint16_t listener;
	uint32_t iss;               /**< our initial sequence number */
	uint32_t irs;               /**< the peer's initial sequence number */
	uint16_t mss;               /**< largest segment we may send */
	uint8_t snd_wscale;         /**< the peer's window shift */
	uint8_t rcv_wscale;         /**< our window shift */
	uint32_t flags;             /**< SF_CONN_F_* */
	unsigned int worker;        /**< index of the owning worker */
	/**
	 * Data that came with the third ACK (RFC 9293 3.10.7.4: it is
	 * queued, not dropped), valid during on_accept only; NULL when none.
	 */
	const uint8_t *data;
	uint32_t data_len;          /**< bytes at data */
};

/**
 * A connection completed the handshake and the application accepts it.
 * Called on the worker lcore that owns the connection, or on an
 * application lcore (sf_engine_params.nb_apps). The application may keep
 * it (return), close it (sf_conn_close()) or reset it (sf_conn_reset())
 * from inside the callback or later on that lcore.
 */
typedef void (*sf_on_accept_t)(struct sf_conn *c,
		const struct sf_conn_info *ci, void *arg);

/**
 * The peer closed or reset the connection, or it ended (see
 * enum sf_close_reason). Called where on_accept was. When NULL, the
 * engine closes the connection itself on the peer's FIN.
 */
typedef void (*sf_on_close_t)(struct sf_conn *c, enum sf_close_reason why,
		void *arg);

/**
 * Bytes a connection received, handed to on_data: len bytes at data,
 * which lie in the first segment of the mbuf m (a received frame, or
 * on an application context an mbuf of just the bytes).
 */
struct sf_conn_data {
	const uint8_t *data;        /**< the bytes, inside m */
	uint32_t len;               /**< how many */
	struct rte_mbuf *m;         /**< the mbuf that holds them */
};

/**
 * Bytes the peer sent, each exactly once and in order (what follows
 * RCV.NXT; repeated and overlapping bytes are cut off, bytes out of
 * order wait for the ones before them). Called where on_accept ran for
 * the connection: on the owning worker, or on the application context
 * that accepted it, after on_accept. The bytes the third ACK carried
 * come in on_accept's sf_conn_info (data, data_len), not here.
 *
 * d and the bytes are valid during the call only. To keep the bytes
 * without copying them, take a reference to d->m
 * (rte_mbuf_refcnt_update(d->m, 1)) and give it back later with
 * rte_pktmbuf_free(d->m); synfront then leaves the mbuf alone (on a
 * worker, the ACK goes out in an mbuf of its own). The callback may
 * close or reset the connection.
 */
typedef void (*sf_on_data_t)(struct sf_conn *c,
		const struct sf_conn_data *d, void *arg);

/**
 * Room came back in a connection's send queue: a send was refused or cut
 * short for want of room (sf_conn_send() returned less than asked, or
 * -EAGAIN, or -ENOBUFS), and the send queue's charge (each mbuf at least
 * an MSS: sf_engine_params.sndbuf) fell to half the budget since.
 * Called once per refusal, on the lcore that runs the connection's
 * callbacks, which may send from inside it.
 */
typedef void (*sf_on_writable_t)(struct sf_conn *c, void *arg);

/** Listener settings; sf_listener_params_init() fills the defaults. */
struct sf_listener_params {
	/**
	 * Local address. family 0: every address of both families;
	 * AF_INET 0.0.0.0 or AF_INET6 :: : every address of that family.
	 */
	struct sf_addr addr;
	uint16_t port;              /**< host order, 1..65535 */
	uint32_t backlog;           /**< accept queue holds backlog + 1 */
	uint32_t syn_backlog;       /**< half-open requests, all lcores */
	uint8_t synack_retries;     /**< SYN-ACK retransmissions */
	uint32_t synack_timeout_ms; /**< first retransmission timeout */
	uint32_t defer_accept;      /**< seconds bare third ACKs wait */
	bool abort_on_overflow;     /**< RST instead of waiting on overflow */
	/**
	 * SYN cookies: 0 never (a full SYN queue drops, about its last quarter
	 * kept for peers proven before), 1 when the SYN queue or the
	 * lcore's request table is full, 2 always (no request state).
	 */
	uint8_t syncookies;
	uint16_t mss;               /**< MSS clamp; 0: from the port MTU */
	uint16_t window;            /**< window in the SYN-ACK (<= 65535) */
	uint8_t wscale;             /**< our window shift, 0..14 */
	bool timestamps;            /**< answer timestamps when offered */
	bool sack;                  /**< answer SACK-permitted when offered */
	bool ecn;                   /**< answer ECN setup (ECE) when asked */
	sf_on_accept_t on_accept;   /**< NULL: never accept (backlog tests) */
	sf_on_close_t on_close;     /**< NULL: close on the peer's FIN */
	/**
	 * NULL: the bytes a connection receives are acknowledged and
	 * dropped (RFC 863 discard)
	 */
	sf_on_data_t on_data;
	sf_on_writable_t on_writable; /**< NULL: never told */
	void *arg;                  /**< passed to the callbacks */
	/**
	 * Keepalive (RFC 9293 3.8.4, off by default as there): after
	 * keepalive_ms without a segment from the peer (0: never), probes
	 * every keepalive_intvl_ms (Linux's 75 s); keepalive_probes
	 * unanswered (Linux's 9) reset the connection (SF_CLOSE_TIMEOUT).
	 * Linux's tcp_keepalive_time is 2 hours.
	 */
	uint32_t keepalive_ms;
	uint32_t keepalive_intvl_ms;  /**< 1000..SF_KEEPALIVE_MAX_MS */
	uint8_t keepalive_probes;     /**< 1..127 */
	/**
	 * A connection that received no acceptable segment for this long
	 * (0: never) is reset (SF_CLOSE_TIMEOUT): a front end that must
	 * not hold peers that went away silently. ESTABLISHED and
	 * CLOSE-WAIT only: the closing states end by their own timers.
	 */
	uint32_t idle_timeout_ms;
	/**
	 * SYN proxy (docs/synproxy.md): a client that completes the
	 * handshake is spliced to a backend of pool `pool` (sf_proxy.h)
	 * instead of going up: the callbacks are ignored (sf_engine_listen()
	 * refuses a pool that does not exist).
	 */
	bool proxy;
	uint8_t pool;               /**< with proxy: the backend pool */
	/**
	 * With proxy: the PROXY protocol header sent to the backend first
	 * (0 none, 1 text, 2 binary: HAProxy's proxy-protocol.txt)
	 */
	uint8_t proxy_protocol;
};

/** sf_conn_info.listener of a connection we opened. */
#define SF_LISTENER_NONE UINT16_MAX

/**
 * An active open completed: the peer's SYN-ACK came and our ACK went
 * (ESTABLISHED). Called on the worker that owns the connection; the
 * callback may send, close or reset it. ci->data is NULL (bytes on a
 * SYN-ACK are not taken, as in Linux: the peer sends them again).
 */
typedef void (*sf_on_connected_t)(struct sf_conn *c,
		const struct sf_conn_info *ci, void *arg);

/** Linux's net.ipv4.tcp_syn_retries default. */
#define SF_SYN_RETRIES_DEFAULT 6

/**
 * An active open: sf_connect_params_init() fills Linux's defaults; the
 * caller sets the remote address and port and the callbacks.
 */
struct sf_connect_params {
	struct sf_addr remote;      /**< the server (prefix_len ignored) */
	uint16_t remote_port;       /**< host order, 1..65535 */
	/**
	 * Our address: family 0 for the source of the route to remote (as
	 * ip_route_connect() picks it), or one of the addresses of the
	 * port that route leaves by.
	 */
	struct sf_addr local;
	/**
	 * Our port: 0 to choose one (RFC 6056 algorithm 4, among the ports
	 * whose replies steer to the owning worker: docs/connect.md), or a
	 * fixed one, which must be free and steer to that worker.
	 */
	uint16_t local_port;
	/**
	 * The worker that owns the connection: -1 for the calling worker
	 * (on a worker lcore) or the next in turn (from any other thread).
	 */
	int worker;
	uint16_t mss;               /**< MSS clamp; 0: from the port MTU */
	uint16_t window;            /**< window in the SYN (<= 65535) */
	uint8_t wscale;             /**< our window shift, 0..14 */
	bool timestamps;            /**< offer timestamps (RFC 7323) */
	bool sack;                  /**< offer SACK (RFC 2018) */
	bool ecn;                   /**< ECN-setup SYN (RFC 3168 6.1.1) */
	/**
	 * SYN retransmissions before SF_CLOSE_TIMEOUT (0: the engine's,
	 * sf_engine_params.syn_retries, Linux's tcp_syn_retries 6: given
	 * up after 127 s), at most 20.
	 */
	uint8_t syn_retries;
	uint32_t syn_timeout_ms;    /**< first SYN retransmission (1000) */
	sf_on_connected_t on_connected; /**< must be set */
	/**
	 * Must be set: the end of the connection, and of an open that
	 * failed (SF_CLOSE_REFUSED, SF_CLOSE_UNREACH, SF_CLOSE_TIMEOUT,
	 * SF_CLOSE_RESET; c is then valid during the call only). A request
	 * that went to a worker over its ring and failed there before a
	 * connection existed is told with c NULL: SF_CLOSE_UNREACH (no
	 * route) or SF_CLOSE_ABORT (no free port, no room).
	 */
	sf_on_close_t on_close;
	sf_on_data_t on_data;       /**< NULL: bytes acknowledged and dropped */
	sf_on_writable_t on_writable; /**< NULL: never told */
	void *arg;                  /**< passed to the callbacks */
};

/** Fill p with the defaults (Linux's: MSS from the MTU, TS, SACK, ...). */
void sf_connect_params_init(struct sf_connect_params *p);

/**
 * Open a connection to p->remote:p->remote_port (Linux's tcp_v4_connect()
 * / tcp_v6_connect(): route, source address, local port, SYN). Its
 * callbacks run on the worker that owns it, whichever thread asked.
 *
 * On a worker lcore, for that worker (p->worker -1 or its index), the
 * SYN leaves at once: the connection is in SYN-SENT, *out is its handle
 * (out may be NULL), and on_connected or on_close tells the rest. From
 * any other thread (the control thread, an application lcore), or for
 * another worker, the request goes to the owning worker over its
 * connect ring and is opened at its next poll: the result is
 * -EINPROGRESS, and every outcome comes through the callbacks.
 *
 * @return
 *   0 (*out set), -EINPROGRESS (queued for the worker), or -EINVAL (bad
 *   parameters: the value is logged), -ENETUNREACH (no route),
 *   -EADDRNOTAVAIL (local address not on the route's port, or no free
 *   local port: counted in connect_no_port), -EADDRINUSE (the fixed
 *   local port's 4-tuple is taken), -EXDEV (the fixed local port's
 *   replies would reach another worker), -EHOSTUNREACH (the next hop
 *   failed neighbour resolution within the last second), -ENOBUFS (the
 *   worker's connection table or connect ring is full, or no mbuf).
 */
int sf_engine_connect(struct sf_engine *eng,
		const struct sf_connect_params *p, struct sf_conn **out);

/** Longest keepalive and idle time a listener takes (24 days, ms). */
#define SF_KEEPALIVE_MAX_MS (24u * 24 * 3600 * 1000)

/** Linux's net.core.somaxconn default, the ceiling of every backlog. */
#define SF_SOMAXCONN_DEFAULT 4096

/** Fill p with Linux's defaults (backlog 4096, 5 retries, TS/SACK/ECN). */
void sf_listener_params_init(struct sf_listener_params *p);

/**
 * Add a listener, before or while the workers run. It takes a free id;
 * the id of a removed listener is free again once every worker has let
 * go of it (its requests dropped, its connections gone). Not for
 * concurrent calls from several threads: one control thread (telemetry,
 * or the program's own) changes listeners.
 *
 * @return
 *   The listener id (>= 0), or -EINVAL (bad address, port 0, bad
 *   setting), -EEXIST (same address and port), -ENOSPC (no free id).
 */
int sf_engine_listen(struct sf_engine *eng,
		const struct sf_listener_params *p);

/**
 * Change the settings of listener id while it runs, as setsockopt() and
 * a second listen() do: the address and port stay (p's are ignored).
 * Each setting changes on its own (a segment in flight may see some old
 * and some new); requests keep what their SYN-ACK promised.
 *
 * @return
 *   0, or -EINVAL (bad setting), -ENOENT (no such listener), -EBUSY
 *   (on_accept would change between NULL and a callback: a listener that
 *   accepts cannot become one that never does, or back, while it runs;
 *   remove it and add it again).
 */
int sf_engine_listen_update(struct sf_engine *eng, unsigned int id,
		const struct sf_listener_params *p);

/**
 * Remove listener id, before or while the workers run, as close() on a
 * listening socket: no new SYN reaches it, each worker drops its
 * half-open requests (no RST: a later ACK meets no listener and is reset
 * then) and resets the connections still waiting in its accept queue,
 * at its next poll. Connections already accepted stay. Does not wait.
 *
 * @return
 *   0, or -ENOENT (no such listener).
 */
int sf_engine_unlisten(struct sf_engine *eng, unsigned int id);

/**
 * The listener on exactly this address (family 0: the any-family
 * wildcard) and port.
 *
 * @return
 *   Its id, or -ENOENT.
 */
int sf_engine_listener_find(const struct sf_engine *eng,
		const struct sf_addr *addr, uint16_t port);

/**
 * Upper bound of listener ids: every listener id is below it (removed
 * ones leave holes, where sf_engine_listener_get() says -ENOENT).
 */
unsigned int sf_engine_listener_count(const struct sf_engine *eng);

/**
 * Settings of listener id as in force (backlog clamped to somaxconn).
 *
 * @return
 *   0, or -EINVAL (bad arguments), -ENOENT (no listener has that id).
 */
int sf_engine_listener_get(const struct sf_engine *eng, unsigned int id,
		struct sf_listener_params *out);

/**
 * A key of /synfront/listen that the engine does not know (an
 * application name, say): apply it to p and return 0, or return
 * -EINVAL. Called on the telemetry thread.
 */
typedef int (*sf_listen_key_cb_t)(const char *key, const char *val,
		struct sf_listener_params *p, void *arg);

/**
 * Settings of listeners added with /synfront/listen (before its keys
 * apply), and the callback for keys the engine does not know.
 */
void sf_engine_listen_defaults(struct sf_engine *eng,
		const struct sf_listener_params *p, sf_listen_key_cb_t cb,
		void *arg);

/**
 * Format a listener's address and port: "10.0.0.1:80", "[fd00::1]:443",
 * "0.0.0.0:80", "[::]:80", or "*:80" for every address of both families.
 *
 * @return
 *   buf.
 */
char *sf_listener_format(const struct sf_listener_params *p, char *buf,
		size_t len);

/** Per-listener counters, summed over workers (see SF_LCOUNTER_LIST). */
#define SF_LCOUNTER_LIST(X) \
	X(syn_recv, "SYNs answered with a SYN-ACK from a new request") \
	X(passive_opens, "handshakes completed") \
	X(accepted, "connections handed to on_accept") \
	X(listen_overflows, "SYNs and third ACKs dropped: accept queue full") \
	X(listen_drops, "SYNs and third ACKs the listener dropped, for any " \
	  "reason") \
	X(reqq_full_drop, "SYNs dropped: syn_backlog or the lcore's request " \
	  "pool full") \
	X(reqq_full_do_cookies, "SYNs answered with a cookie: SYN queue " \
	  "or request table full") \
	X(syncookies_sent, "SYN-ACKs sent with a cookie") \
	X(syncookies_recv, "third ACKs whose cookie validated") \
	X(syncookies_failed, "ACKs whose cookie did not validate") \
	X(req_timeouts, "requests expired after the last SYN-ACK retry") \
	X(embryonic_rsts, "requests ended by a RST or in-window SYN") \
	X(defer_accept_drops, "bare third ACKs dropped under defer_accept")

#define SF_LCOUNTER_ENUM(name, desc) SF_LCNT_##name,
/** Per-listener counter indices. */
enum sf_lcounter {
	SF_LCOUNTER_LIST(SF_LCOUNTER_ENUM)
	SF_LCNT_MAX /**< number of per-listener counters */
};
#undef SF_LCOUNTER_ENUM

/** Name of a per-listener counter, or NULL. */
const char *sf_lcounter_name(enum sf_lcounter c);

/** Live state of a listener. */
struct sf_listener_state {
	uint32_t synq;      /**< half-open requests, all lcores */
	uint32_t synq_max;  /**< the most synq has held */
	uint32_t acceptq;   /**< connections waiting for accept */
	/**
	 * Lcores that sent a cookie for the listener in the last 2 minutes
	 * (SF_COOKIE_RECENT_MS): they validate cookie ACKs. 0: stateful.
	 */
	uint32_t cookie_lcores;
	uint64_t cnt[SF_LCNT_MAX]; /**< counters summed over workers */
};

/**
 * Replace the SYN-cookie master secret (16 bytes, as SipHash keys are
 * written: k0 then k1, little-endian), or draw a random one when key is
 * NULL. Cookies signed with the previous secret keep validating for one
 * period (60 s). Every engine sharing a secret (and a wall clock within
 * a second or so) validates the others' cookies. Safe to call while the
 * workers run.
 */
void sf_engine_cookie_secret(struct sf_engine *eng, const uint8_t key[16]);

/**
 * Parse a cookie secret: 32 hex digits, the 16 bytes in order.
 *
 * @return
 *   0, or -EINVAL.
 */
int sf_cookie_secret_from_hex(const char *hex, uint8_t key[16]);

/**
 * Read the live state of listener id.
 *
 * @return
 *   0, or -EINVAL, -ENOENT (no listener has that id).
 */
int sf_engine_listener_state(const struct sf_engine *eng, unsigned int id,
		struct sf_listener_state *out);

/**
 * Close a connection: send FIN after the bytes queued (sf_conn_send()),
 * answer the peer's FIN, and linger in TIME-WAIT when we closed first
 * (sf_engine_params.time_wait_ms) so a retransmitted FIN is answered;
 * bytes the peer still sends reach on_data. on_close is called
 * with SF_CLOSE_DONE when it is gone. Call it on the owning worker, or
 * on the application lcore that accepted the connection: the close then
 * goes to the worker over a command ring and happens at its next poll,
 * unless the connection has ended (or its slot serves another
 * connection) by then, which the worker checks.
 *
 * @return
 *   0, or -EALREADY when the close had started already (on the worker),
 *   -ENOTCONN (an application lcore that does not hold it), -ENOBUFS
 *   (command ring full: retry), -EPERM (an application lcore, and c is
 *   no connection handle). Any other thread must not call it.
 */
int sf_conn_close(struct sf_conn *c);

/**
 * Reset a connection: send RST and free it at once. on_close is not
 * called. From an application lcore, as sf_conn_close().
 *
 * @return
 *   0, or -EALREADY, -ENOTCONN, -ENOBUFS, -EPERM as sf_conn_close().
 */
int sf_conn_reset(struct sf_conn *c);

/**
 * Queue len bytes at buf for sending on c, copied into mbufs: they leave
 * as the peer's window and the congestion window allow (Nagle's
 * algorithm is off: nothing waits for more), and stay queued, each
 * mbuf once, until the peer acknowledges them. On the owning worker, or
 * on the application lcore that holds the connection: there the bytes
 * are copied into mbufs at once and travel to the worker over the
 * command ring, within a budget kept on that lcore, so the worker takes
 * them all (the caller's buffer is free on return either way).
 *
 * @return
 *   Bytes queued (len, or fewer when the send budget,
 *   sf_engine_params.sndbuf, ran out: each mbuf counts at least an MSS
 *   against it, and the last may pass it; on_writable tells when there
 *   is room again), or -EAGAIN (the budget was spent), -EPIPE (after
 *   sf_conn_shutdown() or sf_conn_close(), or in a state that cannot
 *   send), -ENOBUFS (no mbuf, or the worker's send queues hold their
 *   share of the pool, or on an application lcore the command ring is
 *   full: nothing was queued), -ENOTCONN (the connection is ending, or
 *   an application lcore does not hold it), -EPERM (c is no
 *   connection, on an application lcore).
 */
int sf_conn_send(struct sf_conn *c, const void *buf, uint32_t len);

/**
 * Queue the mbuf chain m for sending on c without copying: its segments
 * become the send queue's (sent by reference, each retransmission
 * too), all of m or nothing. On success synfront owns m; on an error
 * the caller still does. The segments' bytes must not change until
 * freed.
 *
 * @return
 *   0, or -EAGAIN (the send budget lacks room for all of m: each
 *   segment counts max(its bytes, the MSS)), -EMSGSIZE (m costs more
 *   than the whole budget: it can never be queued), -EPIPE, -ENOBUFS,
 *   -ENOTCONN, -EPERM as sf_conn_send(), -EINVAL (an empty chain).
 */
int sf_conn_send_mbuf(struct sf_conn *c, struct rte_mbuf *m);

/**
 * Half-close (shutdown(SHUT_WR)): our FIN follows the bytes already
 * queued; bytes the peer sends still reach on_data. on_close tells
 * SF_CLOSE_PEER_FIN when the peer's FIN comes, and SF_CLOSE_DONE when
 * both FINs are acknowledged (the handle is then gone). sf_conn_close()
 * is the same FIN for an application that need not hear the peer's FIN
 * first; synfront keeps delivering bytes after either (Linux resets a
 * closed socket that receives data; docs/datapath.md). From an
 * application lcore as sf_conn_close(): the FIN follows the bytes sent
 * before it over the command ring.
 *
 * @return
 *   0, or -EALREADY (closing already), -ENOTCONN, -ENOBUFS, -EPERM as
 *   sf_conn_close().
 */
int sf_conn_shutdown(struct sf_conn *c);

/** Store an application pointer in the connection. */
void sf_conn_set_user(struct sf_conn *c, void *user);

/** The application pointer stored with sf_conn_set_user() (or NULL). */
void *sf_conn_get_user(const struct sf_conn *c);

/**
 * Fill ci for connection c (data/data_len are NULL/0 after accept). On
 * the owning worker only, like sf_conn_set_user() and sf_conn_get_user():
 * an application lcore keeps what on_accept was told.
 */
void sf_conn_get_info(const struct sf_conn *c, struct sf_conn_info *ci);

#ifdef __cplusplus
}
#endif

#endif /* SF_TCP_H */
