-- SPDX-License-Identifier: BSD-3-Clause
-- Copyright(c) 2026 The synfront authors
--
-- A bounded SYN flood for pktgen 23.06 built with Lua: load one of the
-- command files of this directory, send for DURATION seconds at RATE
-- percent of the link speed the port reports, stop, print the port
-- counters, quit. Headless, from synfront's top directory (pktgen needs a
-- terminal; script(1) gives it one):
--
--   SYNFLOOD_RATE=2 script -qc "pktgen <EAL options> -- -P -m '[3:4].0' \
--       -f config/pktgen/syn-flood.lua" /dev/null > pktgen.log
--
-- docs/pktgen.md has the full command lines (memif and real NIC).
--
-- Lua calls checked against pktgen's sources (app/lpktgenlib.c of 2020:
-- set, load, start, stop, delay, linkState, portStats, clr, screen, set_mac,
-- range.dst_mac, quit; pktgen_lua_save() of 2023; test/*.lua), not against
-- the 23.06.1 tag itself; not run in pktgen, only against a stub.

-- Settings. Each one can be overridden from the environment:
-- SYNFLOOD_RATE, SYNFLOOD_DURATION, SYNFLOOD_CONFIG, SYNFLOOD_PORT,
-- SYNFLOOD_DST_MAC, SYNFLOOD_LINK_WAIT.
local RATE      = 1      -- percent of link speed; memif reports 100 Gb/s, so
                         -- 1 is about 1.49 Mpps of 64-byte frames
local DURATION  = 10     -- seconds of sending
local CONFIG    = "config/pktgen/syn-range-v4.pkt"  -- relative to pktgen's cwd
local PORT      = "0"    -- pktgen port (the .pkt files configure port 0)
local DST_MAC   = nil    -- synfront's MAC, e.g. "3c:fd:fe:a0:00:01";
                         -- nil keeps the one in CONFIG (02:00:00:00:00:01)
local LINK_WAIT = 10     -- seconds to wait for the link before giving up

local function env(name, default)
	local v = os.getenv("SYNFLOOD_" .. name)
	if v == nil or v == "" then
		return default
	end
	return v
end

RATE      = tonumber(env("RATE", RATE))
DURATION  = tonumber(env("DURATION", DURATION))
CONFIG    = env("CONFIG", CONFIG)
PORT      = env("PORT", PORT)
DST_MAC   = env("DST_MAC", DST_MAC)
LINK_WAIT = tonumber(env("LINK_WAIT", LINK_WAIT))

local pid = tonumber(PORT)

local function say(fmt, ...)
	io.write("synflood: " .. string.format(fmt, ...) .. "\n")
	io.flush()
end

-- A missing field prints as -1 rather than stopping the script.
local function n(t, k)
	if t == nil or t[k] == nil then
		return -1
	end
	return t[k]
end

-- Screen updates would mix VT100 redraws into the output.
pktgen.screen("off")

say("pktgen %s, %s", tostring(pktgen.info.Pktgen_Version),
	tostring(pktgen.info.DPDK_Version))
say("config %s, port %s, rate %s%%, %d s", CONFIG, PORT, tostring(RATE),
	DURATION)

pktgen.load(CONFIG)
if DST_MAC ~= nil then
	pktgen.set_mac(PORT, "dst", DST_MAC)
	pktgen.range.dst_mac(PORT, "start", DST_MAC)
	say("destination MAC %s", DST_MAC)
end
pktgen.set(PORT, "rate", RATE)
pktgen.set(PORT, "count", 0)

-- memif comes up when the client has connected; a NIC when autoneg is done.
local link = nil
for i = 1, LINK_WAIT * 10 do
	local ls = pktgen.linkState(PORT)
	if ls ~= nil and ls[pid] ~= nil and string.find(ls[pid], "UP") then
		link = ls[pid]
		break
	end
	pktgen.delay(100)
end
if link == nil then
	say("port %s: link still down after %d s, not sending", PORT, LINK_WAIT)
	pktgen.quit()
	return
end
-- e.g. <UP-100000-FD>: the speed (Mb/s) the rate percentage applies to.
say("port %s: link %s", PORT, link)

pktgen.clr()
pktgen.start(PORT)
for s = 1, DURATION do
	pktgen.delay(1000)
	local r = pktgen.portStats(PORT, "rate")[pid]
	say("%3d s: tx %d pps, rx %d pps", s, n(r, "pkts_tx"), n(r, "pkts_rx"))
end
pktgen.stop(PORT)

-- pktgen reads the port counters once a second; let the last ones in.
pktgen.delay(2000)
local p = pktgen.portStats(PORT, "port")[pid]
say("port %s totals: opackets %d (SYNs sent), ipackets %d (SYN-ACKs and " ..
	"RSTs received)", PORT, n(p, "opackets"), n(p, "ipackets"))
say("port %s totals: obytes %d, ibytes %d, oerrors %d, ierrors %d, " ..
	"imissed %d, rx_nombuf %d", PORT, n(p, "obytes"), n(p, "ibytes"),
	n(p, "oerrors"), n(p, "ierrors"), n(p, "imissed"), n(p, "rx_nombuf"))

pktgen.quit()
