/* SPDX-License-Identifier: MIT */
/*
 * vibif.h - xenib split-driver protocol, version 2: a paravirtual RDMA
 * device ("vib") whose privileged verbs are forwarded from a frontend in an
 * unprivileged guest to a backend that owns a real RDMA device.
 *
 * Versions.  1 was the first.  2 (this header) adds RESIZE_SRQ,
 * ATTACH_MCAST and DETACH_MCAST, the DEVCAP bits from 0x20 on, the access
 * bits MW_BIND and FLUSH_*, CQs smaller than their ring (CREATE_CQ's cqe),
 * and answers EINVAL where version 1 answered E2BIG (RESIZE_CQ).  Both
 * sides of this tree speak version 2 only: a peer offering only "1" is
 * refused at connection time.
 *
 * This header is the specification.  docs/protocol.md is an overview; if the
 * two disagree, this header wins.  Either side can be implemented from this
 * file (plus include/uapi/rdma/xenib-abi.h for the data-path queue formats
 * that live in guest memory).
 *
 * All multi-octet fields are little-endian.  Every structure has an explicit
 * layout: no compiler padding, sizes are multiples of 8, and the layouts are
 * pinned by the static_assert()s next to each structure.  Every field named
 * "reserved" and every octet of a message body beyond the structure that the
 * opcode uses MUST be written as zero and MUST be rejected by the receiver if
 * it is not zero, so that later versions can give them a meaning.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#ifndef __XEN_PUBLIC_IO_VIBIF_H__
#define __XEN_PUBLIC_IO_VIBIF_H__

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <xen/interface/io/ring.h>
#else
/*
 * User space (unit tests, fuzzers, tools): the ring macros come from
 * libxen-dev's <xen/io/ring.h>.  It needs <stdint.h>; its RING_PUSH_*()
 * macros need xen_mb()/xen_rmb()/xen_wmb(), which it defines from
 * mb()/rmb()/wmb(); kernel/common/compat.h supplies those.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <xen/io/ring.h>
/* The kernel's static_assert(), whose message is optional. */
#undef static_assert
#define static_assert(expr, ...) __xenib_static_assert(expr, ##__VA_ARGS__, #expr)
#define __xenib_static_assert(expr, msg, ...) _Static_assert(expr, msg)
#endif

/*
 ******************************************************************************
 *                           Feature and Parameter Negotiation
 ******************************************************************************
 *
 * The two halves of a vib device negotiate through xenstore, as blkif and
 * netif devices do.  The device type is "vib":
 *
 *   Backend directory:  backend/vib/<frontend-domid>/<devid>
 *   Frontend directory: device/vib/<devid>      (below the guest's home path)
 *
 * Each key below lists its values, its default (the value assumed when the
 * key is absent), who writes it and when.  "Toolstack" is "xenib attach"
 * running in the backend domain (Dom0 or a driver domain).  Numbers are
 * written in decimal; booleans as "0" or "1".
 *
 *****************************************************************************
 *                            Backend XenBus Nodes
 *****************************************************************************
 *
 *------------------ Written by the toolstack ("xenib attach") ---------------
 *
 * frontend
 *      Values:         <string>  (absolute xenstore path)
 *      Written by:     toolstack, before the frontend directory.
 *      Notes:          The frontend directory, device/vib/<devid> below the
 *                      guest's home path.
 *
 * frontend-id
 *      Values:         <uint16_t>  (domain id)
 *      Written by:     toolstack, before the frontend directory.
 *
 * online
 *      Values:         "0", "1"
 *      Default Value:  "0"
 *      Written by:     toolstack.  "0" asks the backend to tear the device
 *                      down ("xenib detach").
 *
 * state
 *      Values:         <uint32_t>  (enum xenbus_state)
 *      Written by:     toolstack (XenbusStateInitialising), then the backend.
 *
 * rdma-device
 *      Values:         <string>  (ib_device name, e.g. "rxe0")
 *      Written by:     toolstack.
 *      Notes:          The real device the backend uses for this guest.  Read
 *                      once, when the backend probes; a change has no effect
 *                      until the device is re-attached.  The backend looks
 *                      the device up (and checks rdma-port) only when the
 *                      frontend connects: a missing device fails that
 *                      connection (xenbus error, Closing), not the probe.
 *
 * rdma-port
 *      Values:         <uint32_t>
 *      Default Value:  1
 *      Written by:     toolstack.
 *      Notes:          The port of rdma-device presented to the guest as its
 *                      port 1.  The guest sees exactly one port.
 *
 * gid-indexes
 *      Values:         <uint16_t>[,<uint16_t>]...  (decimal, at most 16)
 *      Default Value:  every GID index of rdma-port
 *      Written by:     toolstack (xenib attach --gid-index).
 *      Notes:          The GID indexes of rdma-port the guest may send with.
 *                      Any other index reads as an empty entry in
 *                      XEN_VIBIF_OP_QUERY_GID, and an address vector naming
 *                      it (CREATE_AH, MODIFY_QP) is refused with
 *                      XEN_VIBIF_EINVAL.  A malformed value fails the
 *                      backend's probe.  Read once, when the backend probes.
 *
 * quota-pd, quota-cq, quota-qp, quota-srq, quota-mr, quota-ah
 *      Values:         <uint32_t>
 *      Default Value:  backend module parameters (see backend/)
 *      Written by:     toolstack.
 *      Notes:          Most objects of each kind the guest may hold at once.
 *                      "0" forbids the object kind.  Exceeding a quota
 *                      answers XEN_VIBIF_EDQUOT.
 *
 * quota-pinned-pages
 *      Values:         <uint32_t>  (4 KiB pages)
 *      Default Value:  backend module parameter
 *      Written by:     toolstack.
 *      Notes:          Most guest pages the backend maps for this guest at
 *                      once: all memory regions plus all queue buffers plus
 *                      doorbell pages; a directory page, mapped only while
 *                      it is read, must fit too.  Beyond the quota:
 *                      XEN_VIBIF_EDQUOT.  Whatever the quota, the backend
 *                      maps each grant reference at most once at a time: a
 *                      directory naming one twice, or one already mapped,
 *                      answers XEN_VIBIF_EINVAL (a frontend grants every
 *                      page of every directory anew).
 *
 * quota-cqe
 *      Values:         <uint32_t>
 *      Default Value:  backend module parameter
 *      Written by:     toolstack.
 *      Notes:          Most CQEs in one CQ (1 << log_nslots of CREATE_CQ).
 *
 * quota-qp-wr
 *      Values:         <uint32_t>
 *      Default Value:  backend module parameter
 *      Written by:     toolstack.
 *      Notes:          Most work requests in one send queue, receive queue or
 *                      shared receive queue.
 *
 * quota-mem-kib
 *      Values:         <uint32_t>  (KiB)
 *      Default Value:  backend module parameter (quota_mem_kib; 0: half of
 *                      the backend's global budget, mem_budget_kib)
 *      Written by:     toolstack.
 *      Notes:          Most memory of the backend's domain that the guest's
 *                      shadow objects, their engine state and the mappings
 *                      of its pages may take at once, as the backend
 *                      estimates it.  A request that would exceed it, or
 *                      the backend's budget over every guest, answers
 *                      XEN_VIBIF_EDQUOT.
 *
 *------------------ Written by the backend ----------------------------------
 *
 * versions
 *      Values:         <string>  (space-separated list of decimal versions)
 *      Written by:     backend, before it enters XenbusStateInitWait.
 *      Notes:          Protocol versions the backend speaks.  This header
 *                      describes version "2".
 *
 * max-ring-page-order
 *      Values:         <uint32_t>
 *      Default Value:  0
 *      Maximum Value:  XEN_VIBIF_MAX_RING_PAGE_ORDER
 *      Written by:     backend, before it enters XenbusStateInitWait.
 *      Notes:          The control ring may span 2^order pages.
 *
 * feature-gfn-mr
 *      Values:         "0", "1"
 *      Default Value:  "0"
 *      Written by:     backend, before it enters XenbusStateInitWait.
 *      Notes:          "1": the leaf pages of a REG_MR page directory may hold
 *                      guest frame numbers (XEN_VIBIF_PGDIR_GFN) that the
 *                      backend maps as foreign frames, instead of grant
 *                      references.  Lets a guest register more memory than
 *                      its grant table can name.  Queue buffers and
 *                      directory pages are always granted.
 *
 * state
 *      Written by:     backend; see "State machine" below.
 *
 *****************************************************************************
 *                            Frontend XenBus Nodes
 *****************************************************************************
 *
 *------------------ Written by the toolstack --------------------------------
 *
 * backend
 *      Values:         <string>  (absolute xenstore path)
 *
 * backend-id
 *      Values:         <uint16_t>  (domain id)
 *
 * state
 *      Values:         <uint32_t>  (enum xenbus_state)
 *      Notes:          The toolstack writes XenbusStateInitialising; the
 *                      frontend writes all later values.
 *
 *------------------ Written by the frontend ---------------------------------
 *
 * All of these are written in one xenstore transaction, after the backend
 * has reached XenbusStateInitWait and before the frontend enters
 * XenbusStateInitialised.
 *
 * version
 *      Values:         <string>  (one decimal version)
 *      Notes:          Chosen from the backend's "versions"; "2" here.
 *
 * ring-page-order
 *      Values:         <uint32_t>
 *      Default Value:  0
 *      Maximum Value:  the backend's max-ring-page-order
 *      Notes:          The control ring is 2^order pages.
 *
 * ring-ref
 *      Values:         <uint32_t>  (grant reference)
 *      Notes:          The control ring page, when ring-page-order is 0
 *                      (or absent).
 *
 * ring-ref%u
 *      Values:         <uint32_t>  (grant reference)
 *      Notes:          ring-ref0 .. ring-ref<2^order - 1>, the control ring
 *                      pages in order, when ring-page-order is above 0.
 *
 * event-channel
 *      Values:         <uint32_t>  (event channel port)
 *      Notes:          Control ring, both directions: the frontend notifies
 *                      after pushing requests, the backend after pushing
 *                      responses (RING_PUSH_*_AND_CHECK_NOTIFY()).
 *
 * event-channel-data
 *      Values:         <uint32_t>  (event channel port)
 *      Notes:          Data path.  Frontend -> backend: "kick", sent only
 *                      when the doorbell page of a user context says
 *                      XENIB_ENGINE_IDLE (see xenib-abi.h).  Backend ->
 *                      frontend: "events pending" on the event ring.
 *
 * event-ring-ref
 *      Values:         <uint32_t>  (grant reference)
 *      Notes:          One page holding struct xen_vibif_event_page.
 *
 *****************************************************************************
 *                              State machine
 *****************************************************************************
 *
 *   Toolstack     writes both directories, both states Initialising.
 *
 *   Frontend                           Backend
 *   --------                           -------
 *   Initialising                       Initialising
 *                                        reads quotas, writes versions,
 *                                        max-ring-page-order, feature-gfn-mr
 *                                      InitWait
 *     reads the backend's keys,
 *     grants ring pages and the
 *     event page, allocates both
 *     event channels, writes its keys
 *   Initialised
 *                                        looks up rdma-device and checks
 *                                        rdma-port (missing: xenbus error,
 *                                        Closing), maps the rings, binds
 *                                        both event channels
 *                                      Connected
 *     QUERY_DEVICE, QUERY_PORT,
 *     registers ib_device xenib<N>
 *   Connected
 *
 *   Teardown, started by either side (frontend removal, "xenib detach",
 *   online = 0, guest death):
 *
 *   Closing                            Closing
 *     the frontend fails every           the backend destroys every object
 *     request still in flight with       the guest owns (in dependency
 *     -EIO, unregisters or               order: QP, SRQ, AH, MR, CQ, PD,
 *     disassociates the ib_device,       ucontext), unmaps all guest
 *     ends its grants                    pages, unbinds the event channels
 *   Closed                             Closed
 *
 * The backend never waits for the guest to release anything: a guest that
 * dies or stops answering is cleaned up from the backend's side alone.
 *
 * Reconnect (resume, migration, backend reload): when the backend sees the
 * frontend go back to Initialising (or the frontend sees the backend go
 * back to InitWait), the connection starts over.  No handle, queue, key or
 * doorbell index survives a reconnect: the frontend reports
 * IB_EVENT_DEVICE_FATAL to its consumers and fails every existing object;
 * applications must reopen the device.  A frontend MUST NOT reuse a ring
 * page or the event page across connections without re-initialising it.
 *
 *****************************************************************************
 *                               Control ring
 *****************************************************************************
 *
 * DEFINE_RING_TYPES(xen_vibif_cmd, struct xen_vibif_request,
 * struct xen_vibif_response): the usual Xen shared ring, 2^ring-page-order
 * pages, 256-octet slots.  A one-page ring has 8 slots; the protocol maximum
 * (order 4) has 128.
 *
 * The frontend may have up to RING_SIZE() requests in flight.  The backend
 * may complete them in any order; a response is matched to its request by
 * the echoed id, never by slot position.  A request id is chosen by the
 * frontend and must be unique among its requests in flight; a response
 * whose id matches no request in flight (e.g. a late answer to a request
 * that timed out) is dropped by the frontend.
 *
 * Both ends read each shared index once, check it against
 * RING_{REQUEST,RESPONSE}_PROD_OVERFLOW(), copy each message with
 * RING_COPY_{REQUEST,RESPONSE}() and only then validate the private copy
 * (xenib_request_check() / xenib_response_check() in kernel/common).  A
 * request that fails validation gets a response with a non-zero status
 * (XEN_VIBIF_EPROTO, XEN_VIBIF_EINVAL or XEN_VIBIF_EOPNOTSUPP).  A
 * frontend that corrupts the ring indices is disconnected.  A backend whose
 * responses fail validation makes the frontend mark itself broken.
 *
 * Request/response header, then a 240-octet body whose layout depends on
 * the opcode.  Responses with status other than XEN_VIBIF_OK have an
 * all-zero body.
 *
 * Request header:
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                       id                      |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |  opcode   |   flags   |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 * Response header:
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                       id                      |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |  opcode   | reserved  |        status         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/*
 * The xenstore names above, for code: each key is spelled here once and
 * both modules and the toolstack ("xenib") use these macros.
 */
/** XEN_VIBIF_DEVICE_TYPE - the xenbus device type (backend/vib, device/vib) */
#define XEN_VIBIF_DEVICE_TYPE			"vib"

/* Backend directory, written by the toolstack. */
#define XEN_VIBIF_FIELD_FRONTEND		"frontend"
#define XEN_VIBIF_FIELD_FRONTEND_ID		"frontend-id"
#define XEN_VIBIF_FIELD_ONLINE			"online"
#define XEN_VIBIF_FIELD_RDMA_DEVICE		"rdma-device"
#define XEN_VIBIF_FIELD_RDMA_PORT		"rdma-port"
#define XEN_VIBIF_FIELD_GID_INDEXES		"gid-indexes"
/* Every quota key starts with this prefix. */
#define XEN_VIBIF_FIELD_QUOTA_PREFIX		"quota-"
#define XEN_VIBIF_FIELD_QUOTA_PD		"quota-pd"
#define XEN_VIBIF_FIELD_QUOTA_CQ		"quota-cq"
#define XEN_VIBIF_FIELD_QUOTA_QP		"quota-qp"
#define XEN_VIBIF_FIELD_QUOTA_SRQ		"quota-srq"
#define XEN_VIBIF_FIELD_QUOTA_MR		"quota-mr"
#define XEN_VIBIF_FIELD_QUOTA_AH		"quota-ah"
#define XEN_VIBIF_FIELD_QUOTA_PINNED_PAGES	"quota-pinned-pages"
#define XEN_VIBIF_FIELD_QUOTA_CQE		"quota-cqe"
#define XEN_VIBIF_FIELD_QUOTA_QP_WR		"quota-qp-wr"
#define XEN_VIBIF_FIELD_QUOTA_MEM_KIB		"quota-mem-kib"

/* Backend directory, written by the backend. */
#define XEN_VIBIF_FIELD_VERSIONS		"versions"
#define XEN_VIBIF_FIELD_MAX_RING_PAGE_ORDER	"max-ring-page-order"
#define XEN_VIBIF_FIELD_FEATURE_GFN_MR		"feature-gfn-mr"

/* Both directories: written by the toolstack first, then by their owner. */
#define XEN_VIBIF_FIELD_STATE			"state"

/* Frontend directory, written by the toolstack. */
#define XEN_VIBIF_FIELD_BACKEND			"backend"
#define XEN_VIBIF_FIELD_BACKEND_ID		"backend-id"

/* Frontend directory, written by the frontend. */
#define XEN_VIBIF_FIELD_VERSION			"version"
#define XEN_VIBIF_FIELD_RING_PAGE_ORDER		"ring-page-order"
#define XEN_VIBIF_FIELD_RING_REF		"ring-ref"
/* printf format of ring-ref%u, the pages of a multi-page ring */
#define XEN_VIBIF_FIELD_RING_REF_FMT		"ring-ref%u"
#define XEN_VIBIF_FIELD_EVENT_CHANNEL		"event-channel"
#define XEN_VIBIF_FIELD_EVENT_CHANNEL_DATA	"event-channel-data"
#define XEN_VIBIF_FIELD_EVENT_RING_REF		"event-ring-ref"

/** XEN_VIBIF_VERSION - the protocol version this header describes */
#define XEN_VIBIF_VERSION		2

/** XEN_VIBIF_MAX_RING_PAGE_ORDER - protocol maximum of max-ring-page-order */
#define XEN_VIBIF_MAX_RING_PAGE_ORDER	4

/**
 * XEN_VIBIF_PAGE_SIZE - the granted page size the protocol counts in
 *
 * Grant references, guest frame numbers, queue sizes and MR page lists are
 * all in units of 4096-octet Xen pages, whatever the kernels' PAGE_SIZE is.
 */
#define XEN_VIBIF_PAGE_SIZE		4096
#define XEN_VIBIF_PAGE_SHIFT		12

/** XEN_VIBIF_BODY_SIZE - octets of the opcode-dependent message body */
#define XEN_VIBIF_BODY_SIZE		240

/** XEN_VIBIF_HANDLE_NONE - handle value meaning "no object" */
#define XEN_VIBIF_HANDLE_NONE		0

/*
 * Opcodes.  0 is never valid, so that a zeroed slot is rejected.
 * XEN_VIBIF_OP_COUNT is one more than the largest opcode.
 */
#define XEN_VIBIF_OP_QUERY_DEVICE	1
#define XEN_VIBIF_OP_QUERY_PORT		2
#define XEN_VIBIF_OP_QUERY_GID		3
#define XEN_VIBIF_OP_QUERY_PKEY		4
#define XEN_VIBIF_OP_ALLOC_UCONTEXT	5
#define XEN_VIBIF_OP_DEALLOC_UCONTEXT	6
#define XEN_VIBIF_OP_ALLOC_PD		7
#define XEN_VIBIF_OP_DEALLOC_PD		8
#define XEN_VIBIF_OP_CREATE_CQ		9
#define XEN_VIBIF_OP_RESIZE_CQ		10
#define XEN_VIBIF_OP_DESTROY_CQ		11
#define XEN_VIBIF_OP_CREATE_QP		12
#define XEN_VIBIF_OP_MODIFY_QP		13
#define XEN_VIBIF_OP_QUERY_QP		14
#define XEN_VIBIF_OP_DESTROY_QP		15
#define XEN_VIBIF_OP_CREATE_SRQ		16
#define XEN_VIBIF_OP_MODIFY_SRQ		17
#define XEN_VIBIF_OP_QUERY_SRQ		18
#define XEN_VIBIF_OP_DESTROY_SRQ	19
#define XEN_VIBIF_OP_CREATE_AH		20
#define XEN_VIBIF_OP_DESTROY_AH		21
#define XEN_VIBIF_OP_REG_MR		22
#define XEN_VIBIF_OP_DEREG_MR		23
/* Added in version 2; each is offered by a DEVCAP bit. */
#define XEN_VIBIF_OP_RESIZE_SRQ		24
#define XEN_VIBIF_OP_ATTACH_MCAST	25
#define XEN_VIBIF_OP_DETACH_MCAST	26
#define XEN_VIBIF_OP_COUNT		27

/*
 ******************************************************************************
 *                               Error numbers
 ******************************************************************************
 *
 * The status field of a response.  These are wire values, not Linux errno
 * values; kernel/common/status.c translates (xenib_status_from_errno(),
 * xenib_status_to_errno()), and anything unknown becomes XEN_VIBIF_EIO /
 * -EIO.  Kernel-internal codes (ERESTARTSYS, ENOTSUPP, ...) are never sent.
 *
 *   Name                    Value  errno        Meaning
 *   XEN_VIBIF_OK              0    0            success
 *   XEN_VIBIF_EPERM           1    EPERM        not permitted
 *   XEN_VIBIF_ENOENT          2    ENOENT       no such handle / object
 *   XEN_VIBIF_EIO             3    EIO          device or backend failure
 *   XEN_VIBIF_E2BIG           4    E2BIG        argument too large
 *   XEN_VIBIF_EAGAIN          5    EAGAIN       transient, retry
 *   XEN_VIBIF_ENOMEM          6    ENOMEM       backend out of memory
 *   XEN_VIBIF_EACCES          7    EACCES       access denied
 *   XEN_VIBIF_EFAULT          8    EFAULT       guest page could not be
 *                                               mapped
 *   XEN_VIBIF_EBUSY           9    EBUSY        object still in use
 *   XEN_VIBIF_EEXIST         10    EEXIST       already exists (db index)
 *   XEN_VIBIF_ENODEV         11    ENODEV       device gone
 *   XEN_VIBIF_EINVAL         12    EINVAL       invalid argument
 *   XEN_VIBIF_ENOSPC         13    ENOSPC       no space (device limit)
 *   XEN_VIBIF_ERANGE         14    ERANGE       value out of range
 *   XEN_VIBIF_EOPNOTSUPP     15    EOPNOTSUPP   opcode/feature unsupported
 *   XEN_VIBIF_ETIMEDOUT      16    ETIMEDOUT    device timed out
 *   XEN_VIBIF_EDQUOT         17    EDQUOT       guest quota exceeded
 *   XEN_VIBIF_EPROTO         18    EPROTO       malformed request
 *   XEN_VIBIF_EOVERFLOW      19    EOVERFLOW    arithmetic overflow
 *   XEN_VIBIF_ECANCELED      20    ECANCELED    cancelled (teardown)
 */
#define XEN_VIBIF_OK			0
#define XEN_VIBIF_EPERM			1
#define XEN_VIBIF_ENOENT		2
#define XEN_VIBIF_EIO			3
#define XEN_VIBIF_E2BIG			4
#define XEN_VIBIF_EAGAIN		5
#define XEN_VIBIF_ENOMEM		6
#define XEN_VIBIF_EACCES		7
#define XEN_VIBIF_EFAULT		8
#define XEN_VIBIF_EBUSY			9
#define XEN_VIBIF_EEXIST		10
#define XEN_VIBIF_ENODEV		11
#define XEN_VIBIF_EINVAL		12
#define XEN_VIBIF_ENOSPC		13
#define XEN_VIBIF_ERANGE		14
#define XEN_VIBIF_EOPNOTSUPP		15
#define XEN_VIBIF_ETIMEDOUT		16
#define XEN_VIBIF_EDQUOT		17
#define XEN_VIBIF_EPROTO		18
#define XEN_VIBIF_EOVERFLOW		19
#define XEN_VIBIF_ECANCELED		20
#define XEN_VIBIF_STATUS_COUNT		21

/*
 ******************************************************************************
 *                          Wire enumerations
 ******************************************************************************
 *
 * These are wire values, independent of kernel enums.  Where the IB
 * specification (or uverbs) defines a number, the wire uses the same number,
 * so translation in the modules is an explicit, checked identity: each
 * module static_assert()s the correspondence next to its translation (the
 * modules include <rdma/ib_verbs.h>; kernel/common does not).  Where no
 * such number exists (XEN_VIBIF_DEVCAP_*, XEN_VIBIF_LINK_LAYER_*,
 * XEN_VIBIF_EVT_*) the modules translate with a switch.
 */

/* QP types (enum ib_qp_type numbers).  Only these three exist in v1. */
#define XEN_VIBIF_QPT_RC		2
#define XEN_VIBIF_QPT_UC		3
#define XEN_VIBIF_QPT_UD		4

/* QP states (enum ib_qp_state numbers). */
#define XEN_VIBIF_QP_STATE_RESET	0
#define XEN_VIBIF_QP_STATE_INIT		1
#define XEN_VIBIF_QP_STATE_RTR		2
#define XEN_VIBIF_QP_STATE_RTS		3
#define XEN_VIBIF_QP_STATE_SQD		4
#define XEN_VIBIF_QP_STATE_SQE		5
#define XEN_VIBIF_QP_STATE_ERR		6

/* Path migration states (enum ib_mig_state numbers). */
#define XEN_VIBIF_MIG_MIGRATED		0
#define XEN_VIBIF_MIG_REARM		1
#define XEN_VIBIF_MIG_ARMED		2

/* MTUs (enum ib_mtu numbers, IB spec encoding). */
#define XEN_VIBIF_MTU_256		1
#define XEN_VIBIF_MTU_512		2
#define XEN_VIBIF_MTU_1024		3
#define XEN_VIBIF_MTU_2048		4
#define XEN_VIBIF_MTU_4096		5

/* Port states (enum ib_port_state numbers). */
#define XEN_VIBIF_PORT_NOP		0
#define XEN_VIBIF_PORT_DOWN		1
#define XEN_VIBIF_PORT_INIT		2
#define XEN_VIBIF_PORT_ARMED		3
#define XEN_VIBIF_PORT_ACTIVE		4
#define XEN_VIBIF_PORT_ACTIVE_DEFER	5

/* Link layers (own numbers). */
#define XEN_VIBIF_LINK_LAYER_INFINIBAND	1
#define XEN_VIBIF_LINK_LAYER_ETHERNET	2

/* GID types (own numbers). */
#define XEN_VIBIF_GID_TYPE_IB		0
#define XEN_VIBIF_GID_TYPE_ROCE		1
#define XEN_VIBIF_GID_TYPE_ROCE_UDP_ENCAP 2

/* Atomic capability (enum ib_atomic_cap numbers). */
#define XEN_VIBIF_ATOMIC_NONE		0
#define XEN_VIBIF_ATOMIC_HCA		1
#define XEN_VIBIF_ATOMIC_GLOB		2

/* Highest static rate (enum ib_rate numbers, 0 = port current). */
#define XEN_VIBIF_RATE_MAX		22

/*
 * Memory and QP access flags (enum ib_access_flags bits).  REMOTE_WRITE
 * and REMOTE_ATOMIC on an MR require LOCAL_WRITE.  MW_BIND is accepted
 * on an MR (memory windows are not offered, so it permits nothing more);
 * FLUSH_GLOBAL and FLUSH_PERSISTENT only when QUERY_DEVICE offers
 * XEN_VIBIF_DEVCAP_FLUSH_GLOBAL / _PERSISTENT: they let remote peers flush
 * the region (the guest cannot issue FLUSH itself).
 */
#define XEN_VIBIF_ACCESS_LOCAL_WRITE	0x00000001
#define XEN_VIBIF_ACCESS_REMOTE_WRITE	0x00000002
#define XEN_VIBIF_ACCESS_REMOTE_READ	0x00000004
#define XEN_VIBIF_ACCESS_REMOTE_ATOMIC	0x00000008
#define XEN_VIBIF_ACCESS_MW_BIND	0x00000010
#define XEN_VIBIF_ACCESS_FLUSH_GLOBAL	0x00000100
#define XEN_VIBIF_ACCESS_FLUSH_PERSISTENT 0x00000200
/* The four classic bits (version 1's whole set). */
#define XEN_VIBIF_ACCESS_ALL		0x0000000f
/* What REG_MR accepts, and what MODIFY_QP's qp_access_flags accepts. */
#define XEN_VIBIF_ACCESS_MR_ALL		0x0000031f
#define XEN_VIBIF_ACCESS_QP_ALL		0x0000030f

/*
 * Device capability flags of QUERY_DEVICE (own bits).  The frontend shows
 * the pass-through bits as the ib_device's device_cap_flags; the others
 * offer opcodes or access bits.  Version 2 added the bits from 0x20 on.
 */
#define XEN_VIBIF_DEVCAP_SRQ		0x00000001 /* *_SRQ opcodes */
#define XEN_VIBIF_DEVCAP_RESIZE_CQ	0x00000002 /* RESIZE_CQ */
#define XEN_VIBIF_DEVCAP_RC_RNR_NAK_GEN	0x00000004
#define XEN_VIBIF_DEVCAP_PORT_ACTIVE_EVENT 0x00000008
#define XEN_VIBIF_DEVCAP_SYS_IMAGE_GUID	0x00000010
#define XEN_VIBIF_DEVCAP_BAD_PKEY_CNTR	0x00000020
#define XEN_VIBIF_DEVCAP_BAD_QKEY_CNTR	0x00000040
#define XEN_VIBIF_DEVCAP_AUTO_PATH_MIG	0x00000080
#define XEN_VIBIF_DEVCAP_CHANGE_PHY_PORT 0x00000100
#define XEN_VIBIF_DEVCAP_UD_AV_PORT_ENFORCE 0x00000200
#define XEN_VIBIF_DEVCAP_RESIZE_SRQ	0x00000400 /* RESIZE_SRQ */
#define XEN_VIBIF_DEVCAP_MCAST		0x00000800 /* *_MCAST opcodes */
#define XEN_VIBIF_DEVCAP_FLUSH_GLOBAL	0x00001000 /* access bit */
#define XEN_VIBIF_DEVCAP_FLUSH_PERSISTENT 0x00002000 /* access bit */
#define XEN_VIBIF_DEVCAP_ALL		0x00003fff

/* AH flags (struct xen_vibif_ah_attr.ah_flags). */
#define XEN_VIBIF_AH_GRH		0x01 /* the GRH fields are valid */
#define XEN_VIBIF_AH_ALL		0x01

/*
 * QP attribute mask bits (enum ib_qp_attr_mask bits).  XEN_VIBIF_QP_ATTR_CAP
 * is defined for completeness but refused by MODIFY_QP (queue
 * buffers cannot be resized).
 */
#define XEN_VIBIF_QP_ATTR_STATE		0x00000001
#define XEN_VIBIF_QP_ATTR_CUR_STATE	0x00000002
#define XEN_VIBIF_QP_ATTR_EN_SQD_ASYNC_NOTIFY 0x00000004
#define XEN_VIBIF_QP_ATTR_ACCESS_FLAGS	0x00000008
#define XEN_VIBIF_QP_ATTR_PKEY_INDEX	0x00000010
#define XEN_VIBIF_QP_ATTR_PORT		0x00000020
#define XEN_VIBIF_QP_ATTR_QKEY		0x00000040
#define XEN_VIBIF_QP_ATTR_AV		0x00000080
#define XEN_VIBIF_QP_ATTR_PATH_MTU	0x00000100
#define XEN_VIBIF_QP_ATTR_TIMEOUT	0x00000200
#define XEN_VIBIF_QP_ATTR_RETRY_CNT	0x00000400
#define XEN_VIBIF_QP_ATTR_RNR_RETRY	0x00000800
#define XEN_VIBIF_QP_ATTR_RQ_PSN	0x00001000
#define XEN_VIBIF_QP_ATTR_MAX_QP_RD_ATOMIC 0x00002000
#define XEN_VIBIF_QP_ATTR_ALT_PATH	0x00004000
#define XEN_VIBIF_QP_ATTR_MIN_RNR_TIMER	0x00008000
#define XEN_VIBIF_QP_ATTR_SQ_PSN	0x00010000
#define XEN_VIBIF_QP_ATTR_MAX_DEST_RD_ATOMIC 0x00020000
#define XEN_VIBIF_QP_ATTR_PATH_MIG_STATE 0x00040000
#define XEN_VIBIF_QP_ATTR_CAP		0x00080000
#define XEN_VIBIF_QP_ATTR_DEST_QPN	0x00100000
#define XEN_VIBIF_QP_ATTR_ALL		0x001fffff
#define XEN_VIBIF_QP_ATTR_MODIFY_ALL	0x0017ffff /* ALL minus CAP */

/*
 * SRQ attribute mask bits (enum ib_srq_attr_mask bits).  MODIFY_SRQ refuses
 * XEN_VIBIF_SRQ_ATTR_MAX_WR: a resize needs a new buffer, RESIZE_SRQ.
 */
#define XEN_VIBIF_SRQ_ATTR_MAX_WR	0x00000001
#define XEN_VIBIF_SRQ_ATTR_LIMIT	0x00000002
#define XEN_VIBIF_SRQ_ATTR_ALL		0x00000003

/* Protocol limits on numbers the validators check. */
#define XEN_VIBIF_PSN_MASK		0x00ffffff
#define XEN_VIBIF_QPN_MASK		0x00ffffff
#define XEN_VIBIF_FLOW_LABEL_MASK	0x000fffff
#define XEN_VIBIF_MAX_TIMEOUT		31
#define XEN_VIBIF_MAX_RETRY_CNT		7
#define XEN_VIBIF_MAX_RNR_TIMER		31
#define XEN_VIBIF_MAX_SL		15
#define XEN_VIBIF_MAX_SRC_PATH_BITS	127
#define XEN_VIBIF_NUM_PORTS		1 /* ports seen by the guest, v1 */

/*
 ******************************************************************************
 *                              Page directories
 ******************************************************************************
 *
 * A page directory names the guest pages behind a queue buffer or a memory
 * region.  It is a fixed 72-octet structure embedded in the requests that
 * need one; its 16 inline references are always grant references.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        npages         |level|type |   nrefs   |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        ref[0]         |        ref[1]         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * /                     ...                       /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        ref[14]        |        ref[15]        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 * npages: number of data pages (4 KiB each), in address order.
 * levels:
 *   0: ref[0 .. npages-1] are the grant references of the data pages;
 *      nrefs == npages <= 16.  type must be XEN_VIBIF_PGDIR_GRANT.
 *   1: ref[0 .. nrefs-1] are grant references of leaf directory pages.  A
 *      leaf page holds 1024 __le32 grant references (type GRANT) or 512
 *      __le64 guest frame numbers (type GFN) of data pages, in order;
 *      nrefs == DIV_ROUND_UP(npages, entries per leaf page).
 *   2: ref[0 .. nrefs-1] are grant references of upper directory pages,
 *      each holding 1024 __le32 grant references of leaf directory pages;
 *      nrefs == DIV_ROUND_UP(npages, 1024 * entries per leaf page).
 *   Directory pages are always granted (read-only suffices).  Entries of a
 *   directory page past the last one needed are ignored.  The smallest
 *   sufficient number of levels must be used (e.g. levels 1 with nrefs 3 is
 *   fine; levels 2 when levels 1 would do is refused).
 * type: XEN_VIBIF_PGDIR_GRANT, or XEN_VIBIF_PGDIR_GFN (only for REG_MR, only
 *   with levels >= 1, only when the backend wrote feature-gfn-mr = 1).
 * nrefs: used inline references; ref[nrefs .. 15] must be zero.
 *
 * An empty directory (npages 0) is all zero; it is only valid where a
 * request says so (the RQ of a QP that uses an SRQ).
 *
 * Capacity with the 16 inline references:
 *   levels 0:          16 pages           64 KiB
 *   levels 1, GRANT:   16 * 1024 pages    64 MiB
 *   levels 1, GFN:     16 * 512 pages     32 MiB
 *   levels 2, GRANT:   16 * 1024 * 1024   16 Mi pages, 64 GiB
 *   levels 2, GFN:     16 * 1024 * 512    8 Mi pages, 32 GiB
 * XEN_VIBIF_PGDIR_MAX_PAGES caps every directory at 2^24 pages (64 GiB,
 * levels 2 GRANT with nrefs 16); a GFN directory reaches 2^23 pages
 * (32 GiB).  One MR of 256 MiB (65536 pages) is levels 2 with nrefs 1 (it
 * is past the 64 MiB of levels 1); the backend's quota-pinned-pages bounds
 * every MR further.
 */
#define XEN_VIBIF_PGDIR_INLINE		16
#define XEN_VIBIF_PGDIR_GRANT		0
#define XEN_VIBIF_PGDIR_GFN		1
#define XEN_VIBIF_PGDIR_MAX_LEVELS	2
#define XEN_VIBIF_PGDIR_GRANTS_PER_PAGE	1024 /* __le32 per 4 KiB */
#define XEN_VIBIF_PGDIR_GFNS_PER_PAGE	512  /* __le64 per 4 KiB */
#define XEN_VIBIF_PGDIR_MAX_PAGES	0x01000000

/**
 * struct xen_vibif_pgdir - page directory of a queue buffer or MR
 * @npages: number of 4 KiB data pages
 * @levels: 0 (ref[] are data pages), 1 or 2 (ref[] are directory pages)
 * @type: XEN_VIBIF_PGDIR_GRANT or XEN_VIBIF_PGDIR_GFN (leaf entries)
 * @nrefs: number of valid entries of @ref; the rest are zero
 * @ref: grant references, meaning given by @levels
 *
 * Written by the frontend.  See "Page directories" above.
 */
struct xen_vibif_pgdir {
	__le32 npages;
	__u8 levels;
	__u8 type;
	__le16 nrefs;
	__le32 ref[XEN_VIBIF_PGDIR_INLINE];
};

static_assert(sizeof(struct xen_vibif_pgdir) == 72);
static_assert(offsetof(struct xen_vibif_pgdir, levels) == 4);
static_assert(offsetof(struct xen_vibif_pgdir, type) == 5);
static_assert(offsetof(struct xen_vibif_pgdir, nrefs) == 6);
static_assert(offsetof(struct xen_vibif_pgdir, ref) == 8);

/*
 ******************************************************************************
 *                          Shared attribute blocks
 ******************************************************************************
 */

/**
 * struct xen_vibif_ah_attr - address vector on the wire
 * @dgid: destination GID (network byte order, as in the GRH)
 * @flow_label: GRH flow label, at most XEN_VIBIF_FLOW_LABEL_MASK
 * @dlid: destination LID (IB link layer)
 * @sgid_index: source GID table index
 * @hop_limit: GRH hop limit
 * @traffic_class: GRH traffic class
 * @sl: service level, at most XEN_VIBIF_MAX_SL
 * @src_path_bits: source path bits, at most XEN_VIBIF_MAX_SRC_PATH_BITS
 * @static_rate: enum ib_rate number, at most XEN_VIBIF_RATE_MAX
 * @port_num: port, 1 .. XEN_VIBIF_NUM_PORTS
 * @ah_flags: XEN_VIBIF_AH_* bits
 * @dmac: destination MAC (Ethernet link layer), a hint: the backend may
 *        resolve it again from @dgid
 * @reserved: zero
 *
 * Written by the frontend in CREATE_AH and MODIFY_QP; by the backend in
 * QUERY_QP responses.  Without XEN_VIBIF_AH_GRH, @dgid, @flow_label,
 * @sgid_index, @hop_limit and @traffic_class must be zero.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                  dgid[0..7]                   |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                  dgid[8..15]                  |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |      flow_label       |   dlid    |sgidx|hoplm|
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |tclas| sl  |spbit|srate|port |flags| dmac[0..1]|
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |      dmac[2..5]       |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */
struct xen_vibif_ah_attr {
	__u8 dgid[16];
	__le32 flow_label;
	__le16 dlid;
	__u8 sgid_index;
	__u8 hop_limit;
	__u8 traffic_class;
	__u8 sl;
	__u8 src_path_bits;
	__u8 static_rate;
	__u8 port_num;
	__u8 ah_flags;
	__u8 dmac[6];
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_ah_attr) == 40);
static_assert(offsetof(struct xen_vibif_ah_attr, flow_label) == 16);
static_assert(offsetof(struct xen_vibif_ah_attr, dlid) == 20);
static_assert(offsetof(struct xen_vibif_ah_attr, sgid_index) == 22);
static_assert(offsetof(struct xen_vibif_ah_attr, hop_limit) == 23);
static_assert(offsetof(struct xen_vibif_ah_attr, traffic_class) == 24);
static_assert(offsetof(struct xen_vibif_ah_attr, sl) == 25);
static_assert(offsetof(struct xen_vibif_ah_attr, src_path_bits) == 26);
static_assert(offsetof(struct xen_vibif_ah_attr, static_rate) == 27);
static_assert(offsetof(struct xen_vibif_ah_attr, port_num) == 28);
static_assert(offsetof(struct xen_vibif_ah_attr, ah_flags) == 29);
static_assert(offsetof(struct xen_vibif_ah_attr, dmac) == 30);
static_assert(offsetof(struct xen_vibif_ah_attr, reserved) == 36);

/**
 * struct xen_vibif_qp_cap - queue pair capacities
 * @max_send_wr: send queue depth
 * @max_recv_wr: receive queue depth (0 with an SRQ)
 * @max_send_sge: scatter/gather entries per send WQE
 * @max_recv_sge: scatter/gather entries per receive WQE (0 with an SRQ)
 * @max_inline_data: inline octets per send WQE
 * @reserved: zero
 *
 * In CREATE_QP, what the guest asks for; in the responses of CREATE_QP and
 * QUERY_QP, what the backend granted (never less than asked for, never
 * more than the queue buffers hold).
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |      max_send_wr      |      max_recv_wr      |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |     max_send_sge      |     max_recv_sge      |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |    max_inline_data    |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */
struct xen_vibif_qp_cap {
	__le32 max_send_wr;
	__le32 max_recv_wr;
	__le32 max_send_sge;
	__le32 max_recv_sge;
	__le32 max_inline_data;
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_qp_cap) == 24);
static_assert(offsetof(struct xen_vibif_qp_cap, max_inline_data) == 16);

/**
 * struct xen_vibif_qp_attr - QP attributes for MODIFY_QP and QUERY_QP
 * @qkey: Q_Key (UD)
 * @rq_psn: receive PSN, at most XEN_VIBIF_PSN_MASK
 * @sq_psn: send PSN, at most XEN_VIBIF_PSN_MASK
 * @dest_qp_num: remote QPN, at most XEN_VIBIF_QPN_MASK
 * @qp_access_flags: XEN_VIBIF_ACCESS_REMOTE_* bits (LOCAL_WRITE ignored)
 * @rate_limit: reserved, zero
 * @pkey_index: P_Key table index
 * @alt_pkey_index: alternate path P_Key table index
 * @qp_state: XEN_VIBIF_QP_STATE_*
 * @cur_qp_state: XEN_VIBIF_QP_STATE_*
 * @path_mtu: XEN_VIBIF_MTU_*
 * @path_mig_state: XEN_VIBIF_MIG_*
 * @en_sqd_async_notify: 0 or 1
 * @sq_draining: QUERY_QP output only; zero in MODIFY_QP
 * @max_rd_atomic: outstanding RDMA reads/atomics as initiator
 * @max_dest_rd_atomic: outstanding RDMA reads/atomics as responder
 * @min_rnr_timer: at most XEN_VIBIF_MAX_RNR_TIMER
 * @port_num: 1 .. XEN_VIBIF_NUM_PORTS
 * @timeout: local ACK timeout, at most XEN_VIBIF_MAX_TIMEOUT
 * @retry_cnt: at most XEN_VIBIF_MAX_RETRY_CNT
 * @rnr_retry: at most XEN_VIBIF_MAX_RETRY_CNT
 * @alt_port_num: alternate path port
 * @alt_timeout: alternate path timeout
 * @reserved0: zero
 * @reserved1: zero
 * @ah_attr: primary path (XEN_VIBIF_QP_ATTR_AV)
 * @alt_ah_attr: alternate path (XEN_VIBIF_QP_ATTR_ALT_PATH, with
 *               @alt_port_num, @alt_timeout and @alt_pkey_index)
 *
 * In MODIFY_QP every field whose attribute bit is clear must be zero.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |         qkey          |        rq_psn         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        sq_psn         |      dest_qp_num      |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |    qp_access_flags    |      rate_limit       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * | pkey_index|alt_pkey_ix|state|cur_s| mtu |migst|
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |sqdan|sqdrn|rdato|drdat|rnrtm|port |tmout|retry|
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |rnrrt|aport|atmot|rsvd0|       reserved1       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                ah_attr (40 octets)            |
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              alt_ah_attr (40 octets)          |
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */
struct xen_vibif_qp_attr {
	__le32 qkey;
	__le32 rq_psn;
	__le32 sq_psn;
	__le32 dest_qp_num;
	__le32 qp_access_flags;
	__le32 rate_limit;
	__le16 pkey_index;
	__le16 alt_pkey_index;
	__u8 qp_state;
	__u8 cur_qp_state;
	__u8 path_mtu;
	__u8 path_mig_state;
	__u8 en_sqd_async_notify;
	__u8 sq_draining;
	__u8 max_rd_atomic;
	__u8 max_dest_rd_atomic;
	__u8 min_rnr_timer;
	__u8 port_num;
	__u8 timeout;
	__u8 retry_cnt;
	__u8 rnr_retry;
	__u8 alt_port_num;
	__u8 alt_timeout;
	__u8 reserved0;
	__le32 reserved1;
	struct xen_vibif_ah_attr ah_attr;
	struct xen_vibif_ah_attr alt_ah_attr;
};

static_assert(sizeof(struct xen_vibif_qp_attr) == 128);
static_assert(offsetof(struct xen_vibif_qp_attr, rate_limit) == 20);
static_assert(offsetof(struct xen_vibif_qp_attr, pkey_index) == 24);
static_assert(offsetof(struct xen_vibif_qp_attr, qp_state) == 28);
static_assert(offsetof(struct xen_vibif_qp_attr, path_mig_state) == 31);
static_assert(offsetof(struct xen_vibif_qp_attr, en_sqd_async_notify) == 32);
static_assert(offsetof(struct xen_vibif_qp_attr, retry_cnt) == 39);
static_assert(offsetof(struct xen_vibif_qp_attr, rnr_retry) == 40);
static_assert(offsetof(struct xen_vibif_qp_attr, reserved0) == 43);
static_assert(offsetof(struct xen_vibif_qp_attr, reserved1) == 44);
static_assert(offsetof(struct xen_vibif_qp_attr, ah_attr) == 48);
static_assert(offsetof(struct xen_vibif_qp_attr, alt_ah_attr) == 88);

/*
 ******************************************************************************
 *                        Message bodies, by opcode
 ******************************************************************************
 *
 * Each opcode below gives the request body (written by the frontend) and
 * the response body (written by the backend, only when status is
 * XEN_VIBIF_OK).  "Empty" means the whole 240-octet body is zero.  Every
 * object-naming field is a __le32 handle the backend assigned; handles are
 * opaque, never zero, valid only for the guest and connection that created
 * them.  Unless a section says otherwise, the possible statuses are
 * XEN_VIBIF_OK, XEN_VIBIF_EPROTO, XEN_VIBIF_EINVAL (request refused by the
 * validator), XEN_VIBIF_ENOENT (unknown handle), XEN_VIBIF_EIO, and the
 * error the real device returned, translated.
 *
 * --------------------------------------------------------------------------
 * Requests naming one object: DEALLOC_UCONTEXT, DEALLOC_PD, DESTROY_CQ,
 * DESTROY_QP, QUERY_SRQ, DESTROY_SRQ, DESTROY_AH, DEREG_MR.
 *   Request:  struct xen_vibif_handle_req.  Response: empty, except
 *   QUERY_SRQ.  Destroying an object still used by another one (a CQ of a
 *   live QP, a PD with objects) answers XEN_VIBIF_EBUSY.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        handle         |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_handle_req - request naming one object
 * @handle: the object, never XEN_VIBIF_HANDLE_NONE
 * @reserved: zero
 */
struct xen_vibif_handle_req {
	__le32 handle;
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_handle_req) == 8);

/**
 * struct xen_vibif_handle_rsp - response carrying one new handle
 * @handle: the new object, never XEN_VIBIF_HANDLE_NONE
 * @reserved: zero
 *
 * Used by ALLOC_UCONTEXT, ALLOC_PD and CREATE_AH.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        handle         |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */
struct xen_vibif_handle_rsp {
	__le32 handle;
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_handle_rsp) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_QUERY_DEVICE
 *   Request: empty.  Response: struct xen_vibif_query_device_rsp, the real
 *   device's attributes already reduced by the guest's quotas (max_cqe is
 *   at most quota-cqe, max_qp_wr at most quota-qp-wr, max_qp at most
 *   quota-qp, ...).  Sent once after connecting.
 */

/**
 * struct xen_vibif_query_device_rsp - device attributes
 * @fw_ver: firmware version
 * @node_guid: node GUID, network byte order
 * @sys_image_guid: system image GUID, network byte order
 * @max_mr_size: largest MR in octets
 * @page_size_cap: supported page sizes (bit n: 2^n octets)
 * @device_cap_flags: XEN_VIBIF_DEVCAP_* bits
 * @vendor_id: vendor id of the real device
 * @vendor_part_id: vendor part id of the real device
 * @hw_ver: hardware version
 * @max_qp: QPs (quota-qp applied)
 * @max_qp_wr: WRs per queue (quota-qp-wr applied)
 * @max_send_sge: SGEs per send WQE
 * @max_recv_sge: SGEs per receive WQE
 * @max_sge_rd: SGEs per RDMA read
 * @max_cq: CQs (quota-cq applied)
 * @max_cqe: CQEs per CQ (quota-cqe applied)
 * @max_mr: MRs (quota-mr applied)
 * @max_pd: PDs (quota-pd applied)
 * @max_qp_rd_atom: responder RDMA reads/atomics per QP
 * @max_qp_init_rd_atom: initiator RDMA reads/atomics per QP
 * @max_srq: SRQs (quota-srq applied)
 * @max_srq_wr: WRs per SRQ
 * @max_srq_sge: SGEs per SRQ WQE
 * @max_ah: AHs (quota-ah applied)
 * @max_inline_data: inline octets per send WQE
 * @num_comp_vectors: completion vectors (CREATE_CQ comp_vector bound)
 * @max_pkeys: P_Key table size
 * @local_ca_ack_delay: local CA ACK delay
 * @phys_port_cnt: ports, XEN_VIBIF_NUM_PORTS
 * @atomic_cap: XEN_VIBIF_ATOMIC_*
 * @reserved: zero
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                    fw_ver                     |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                   node_guid                   |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                sys_image_guid                 |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                  max_mr_size                  |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                 page_size_cap                 |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |               device_cap_flags                |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |       vendor_id       |    vendor_part_id     |  48
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        hw_ver         |        max_qp         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |       max_qp_wr       |     max_send_sge      |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |     max_recv_sge      |      max_sge_rd       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        max_cq         |        max_cqe        |  80
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        max_mr         |        max_pd         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |    max_qp_rd_atom     |  max_qp_init_rd_atom  |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        max_srq        |      max_srq_wr       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |      max_srq_sge      |        max_ah         | 112
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |    max_inline_data    |   num_comp_vectors    |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * | max_pkeys |ackdl|ports|atomc|    reserved     | 128
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */
struct xen_vibif_query_device_rsp {
	__le64 fw_ver;
	__u8 node_guid[8];
	__u8 sys_image_guid[8];
	__le64 max_mr_size;
	__le64 page_size_cap;
	__le64 device_cap_flags;
	__le32 vendor_id;
	__le32 vendor_part_id;
	__le32 hw_ver;
	__le32 max_qp;
	__le32 max_qp_wr;
	__le32 max_send_sge;
	__le32 max_recv_sge;
	__le32 max_sge_rd;
	__le32 max_cq;
	__le32 max_cqe;
	__le32 max_mr;
	__le32 max_pd;
	__le32 max_qp_rd_atom;
	__le32 max_qp_init_rd_atom;
	__le32 max_srq;
	__le32 max_srq_wr;
	__le32 max_srq_sge;
	__le32 max_ah;
	__le32 max_inline_data;
	__le32 num_comp_vectors;
	__le16 max_pkeys;
	__u8 local_ca_ack_delay;
	__u8 phys_port_cnt;
	__u8 atomic_cap;
	__u8 reserved[3];
};

static_assert(sizeof(struct xen_vibif_query_device_rsp) == 136);
static_assert(offsetof(struct xen_vibif_query_device_rsp, vendor_id) == 48);
static_assert(offsetof(struct xen_vibif_query_device_rsp, max_cq) == 80);
static_assert(offsetof(struct xen_vibif_query_device_rsp, max_srq_sge) == 112);
static_assert(offsetof(struct xen_vibif_query_device_rsp, max_pkeys) == 128);
static_assert(offsetof(struct xen_vibif_query_device_rsp, atomic_cap) == 132);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_QUERY_PORT
 *   Request: struct xen_vibif_port_req.  Response: struct
 *   xen_vibif_query_port_rsp, the attributes of rdma-port of rdma-device.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |port |             reserved                    |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_port_req - QUERY_PORT request
 * @port_num: 1 .. XEN_VIBIF_NUM_PORTS
 * @reserved: zero
 */
struct xen_vibif_port_req {
	__u8 port_num;
	__u8 reserved[7];
};

static_assert(sizeof(struct xen_vibif_port_req) == 8);

/**
 * struct xen_vibif_query_port_rsp - port attributes
 * @port_cap_flags: IB PortInfo CapabilityMask, passed through
 * @max_msg_sz: largest message in octets
 * @bad_pkey_cntr: bad P_Key counter
 * @qkey_viol_cntr: Q_Key violation counter
 * @gid_tbl_len: GID table length
 * @pkey_tbl_len: P_Key table length
 * @lid: base LID
 * @sm_lid: subnet manager LID
 * @state: XEN_VIBIF_PORT_*
 * @max_mtu: XEN_VIBIF_MTU_*
 * @active_mtu: XEN_VIBIF_MTU_*
 * @lmc: LID mask control
 * @max_vl_num: virtual lanes
 * @sm_sl: subnet manager service level
 * @subnet_timeout: subnet timeout
 * @init_type_reply: InitTypeReply
 * @active_width: IB width encoding
 * @phys_state: IB physical state encoding
 * @link_layer: XEN_VIBIF_LINK_LAYER_*
 * @reserved0: zero
 * @active_speed: IB speed encoding
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |    port_cap_flags     |      max_msg_sz       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |     bad_pkey_cntr     |    qkey_viol_cntr     |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |      gid_tbl_len      |pkey_tbl_len|   lid    |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |  sm_lid   |state|maxmt|actmt| lmc |maxvl|sm_sl|
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |sntmo|itrpl|width|physt|llayr|rsvd0|act_speed  |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */
struct xen_vibif_query_port_rsp {
	__le32 port_cap_flags;
	__le32 max_msg_sz;
	__le32 bad_pkey_cntr;
	__le32 qkey_viol_cntr;
	__le32 gid_tbl_len;
	__le16 pkey_tbl_len;
	__le16 lid;
	__le16 sm_lid;
	__u8 state;
	__u8 max_mtu;
	__u8 active_mtu;
	__u8 lmc;
	__u8 max_vl_num;
	__u8 sm_sl;
	__u8 subnet_timeout;
	__u8 init_type_reply;
	__u8 active_width;
	__u8 phys_state;
	__u8 link_layer;
	__u8 reserved0;
	__le16 active_speed;
};

static_assert(sizeof(struct xen_vibif_query_port_rsp) == 40);
static_assert(offsetof(struct xen_vibif_query_port_rsp, pkey_tbl_len) == 20);
static_assert(offsetof(struct xen_vibif_query_port_rsp, sm_lid) == 24);
static_assert(offsetof(struct xen_vibif_query_port_rsp, sm_sl) == 31);
static_assert(offsetof(struct xen_vibif_query_port_rsp, link_layer) == 36);
static_assert(offsetof(struct xen_vibif_query_port_rsp, active_speed) == 38);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_QUERY_GID
 *   Request: struct xen_vibif_query_gid_req.  Response: struct
 *   xen_vibif_query_gid_rsp.  An unused table entry answers XEN_VIBIF_OK
 *   with an all-zero GID.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |port |    reserved     |         index         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                   gid[0..7]                   |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                   gid[8..15]                  |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |gtype|               reserved                  |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_query_gid_req - QUERY_GID request
 * @port_num: 1 .. XEN_VIBIF_NUM_PORTS
 * @reserved: zero
 * @index: GID table index, below the port's gid_tbl_len
 */
struct xen_vibif_query_gid_req {
	__u8 port_num;
	__u8 reserved[3];
	__le32 index;
};

static_assert(sizeof(struct xen_vibif_query_gid_req) == 8);
static_assert(offsetof(struct xen_vibif_query_gid_req, index) == 4);

/**
 * struct xen_vibif_query_gid_rsp - QUERY_GID response
 * @gid: the GID, network byte order
 * @gid_type: XEN_VIBIF_GID_TYPE_*
 * @reserved: zero
 */
struct xen_vibif_query_gid_rsp {
	__u8 gid[16];
	__u8 gid_type;
	__u8 reserved[7];
};

static_assert(sizeof(struct xen_vibif_query_gid_rsp) == 24);
static_assert(offsetof(struct xen_vibif_query_gid_rsp, gid_type) == 16);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_QUERY_PKEY
 *   Request: struct xen_vibif_query_pkey_req.  Response: struct
 *   xen_vibif_query_pkey_rsp.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |port |rsvd0|   index   |       reserved1       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |   pkey    |             reserved              |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_query_pkey_req - QUERY_PKEY request
 * @port_num: 1 .. XEN_VIBIF_NUM_PORTS
 * @reserved0: zero
 * @index: P_Key table index, below the port's pkey_tbl_len
 * @reserved1: zero
 */
struct xen_vibif_query_pkey_req {
	__u8 port_num;
	__u8 reserved0;
	__le16 index;
	__le32 reserved1;
};

static_assert(sizeof(struct xen_vibif_query_pkey_req) == 8);
static_assert(offsetof(struct xen_vibif_query_pkey_req, index) == 2);

/**
 * struct xen_vibif_query_pkey_rsp - QUERY_PKEY response
 * @pkey: the P_Key
 * @reserved: zero
 */
struct xen_vibif_query_pkey_rsp {
	__le16 pkey;
	__u8 reserved[6];
};

static_assert(sizeof(struct xen_vibif_query_pkey_rsp) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_ALLOC_UCONTEXT
 *   Request: struct xen_vibif_alloc_ucontext_req.  Response: struct
 *   xen_vibif_handle_rsp (the ucontext handle).
 *
 *   A user context owns one doorbell page (struct xenib_db_page in
 *   xenib-abi.h), allocated and zeroed by the frontend and granted
 *   read-write to the backend; the frontend also maps it into the process.
 *   QPs and SRQs name their user context; each has a doorbell index unique
 *   within it.  The frontend refuses kernel CQs and QPs, so every queue
 *   belongs to a user context.  The doorbell page counts against
 *   quota-pinned-pages and max_mapped_pages like any mapped guest page.
 *   Statuses add XEN_VIBIF_EFAULT (grant could not be mapped) and
 *   XEN_VIBIF_EINVAL (db_ref is mapped by this guest already); either
 *   fails this request only, the connection stays.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        db_ref         |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_alloc_ucontext_req - ALLOC_UCONTEXT request
 * @db_ref: grant reference of the doorbell page
 * @reserved: zero
 */
struct xen_vibif_alloc_ucontext_req {
	__le32 db_ref;
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_alloc_ucontext_req) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_ALLOC_PD
 *   Request: struct xen_vibif_alloc_pd_req.  Response: struct
 *   xen_vibif_handle_rsp (the PD handle).  Statuses add XEN_VIBIF_EDQUOT.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |       ucontext        |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_alloc_pd_req - ALLOC_PD request
 * @ucontext: owning user context, or XEN_VIBIF_HANDLE_NONE for a PD of an
 *            in-guest kernel consumer (allocated, but the frontend refuses
 *            such a consumer's CQs and QPs)
 * @reserved: zero
 */
struct xen_vibif_alloc_pd_req {
	__le32 ucontext;
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_alloc_pd_req) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_CREATE_CQ
 *   Request: struct xen_vibif_create_cq_req.  Response: struct
 *   xen_vibif_create_cq_rsp.  Statuses add XEN_VIBIF_EDQUOT, XEN_VIBIF_EFAULT.
 *
 *   The CQ buffer (queue header + 2^log_nslots CQEs of 64 octets, format in
 *   xenib-abi.h) is guest memory named by @pgdir; its npages must equal
 *   DIV_ROUND_UP(XENIB_QUEUE_HDR_SIZE + (64 << log_nslots), 4096).  The
 *   backend produces CQEs, the guest consumes them.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |       ucontext        |      comp_vector      |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |lognr|              reserved                   |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              pgdir (72 octets)                |  16
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          cq           |          cqe          |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_create_cq_req - CREATE_CQ request
 * @ucontext: owning user context or XEN_VIBIF_HANDLE_NONE
 * @comp_vector: completion vector, below num_comp_vectors
 * @log_nslots: the CQ has 2^log_nslots CQE slots, the power of two at or
 *              above a size of at most max_cqe (QUERY_DEVICE): so
 *              2^(log_nslots - 1) < max_cqe
 * @reserved: zero
 * @pgdir: the CQ buffer (type GRANT)
 */
struct xen_vibif_create_cq_req {
	__le32 ucontext;
	__le32 comp_vector;
	__u8 log_nslots;
	__u8 reserved[7];
	struct xen_vibif_pgdir pgdir;
};

static_assert(sizeof(struct xen_vibif_create_cq_req) == 88);
static_assert(offsetof(struct xen_vibif_create_cq_req, log_nslots) == 8);
static_assert(offsetof(struct xen_vibif_create_cq_req, pgdir) == 16);

/**
 * struct xen_vibif_create_cq_rsp - CREATE_CQ response
 * @cq: the CQ handle
 * @cqe: CQEs the CQ holds: min(2^log_nslots, the device's max_cqe), so
 *       2^(log_nslots - 1) < cqe <= 2^log_nslots (1 for log_nslots 0)
 */
struct xen_vibif_create_cq_rsp {
	__le32 cq;
	__le32 cqe;
};

static_assert(sizeof(struct xen_vibif_create_cq_rsp) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_RESIZE_CQ
 *   Request: struct xen_vibif_resize_cq_req.  Response: struct
 *   xen_vibif_resize_cq_rsp.  Only if XEN_VIBIF_DEVCAP_RESIZE_CQ.
 *
 *   The guest supplies a new buffer and stops polling the CQ until the
 *   response arrives.  The backend copies the unconsumed CQEs (cons .. prod
 *   of the old header) into the new buffer at the same free-running
 *   indices, writes prod and cons of the new header, then releases the old
 *   buffer.  XEN_VIBIF_EINVAL if the unconsumed CQEs do not fit (what the
 *   RDMA core answers for a native device).
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          cq           |       reserved0       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |lognr|              reserved1                  |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              pgdir (72 octets)                |  16
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          cqe          |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_resize_cq_req - RESIZE_CQ request
 * @cq: the CQ
 * @reserved0: zero
 * @log_nslots: new size, 2^log_nslots CQEs, bounded as for CREATE_CQ
 * @reserved1: zero
 * @pgdir: the new CQ buffer (type GRANT)
 */
struct xen_vibif_resize_cq_req {
	__le32 cq;
	__le32 reserved0;
	__u8 log_nslots;
	__u8 reserved1[7];
	struct xen_vibif_pgdir pgdir;
};

static_assert(sizeof(struct xen_vibif_resize_cq_req) == 88);
static_assert(offsetof(struct xen_vibif_resize_cq_req, log_nslots) == 8);
static_assert(offsetof(struct xen_vibif_resize_cq_req, pgdir) == 16);

/**
 * struct xen_vibif_resize_cq_rsp - RESIZE_CQ response
 * @cqe: CQEs the CQ now holds, as for CREATE_CQ
 * @reserved: zero
 */
struct xen_vibif_resize_cq_rsp {
	__le32 cqe;
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_resize_cq_rsp) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_CREATE_QP
 *   Request: struct xen_vibif_create_qp_req.  Response: struct
 *   xen_vibif_create_qp_rsp.  Statuses add XEN_VIBIF_EDQUOT,
 *   XEN_VIBIF_EFAULT, XEN_VIBIF_EEXIST (db_index in use).
 *
 *   The send queue buffer holds the queue header and 2^sq_log_nslots slots
 *   of 2^sq_wqe_shift octets; the receive queue likewise.  Each pgdir's
 *   npages must equal DIV_ROUND_UP(XENIB_QUEUE_HDR_SIZE +
 *   (1 << (log_nslots + wqe_shift)), 4096).  With an SRQ, the receive
 *   fields (rq_wqe_shift, rq_log_nslots, cap.max_recv_wr,
 *   cap.max_recv_sge, rq pgdir) are all zero.
 *
 *   Bounds: 1 <= max_send_wr <= 2^sq_log_nslots, max_send_sge * 16 + 64
 *   <= 2^sq_wqe_shift, max_inline_data + 64 <= 2^sq_wqe_shift,
 *   1 <= max_recv_wr <= 2^rq_log_nslots, max_recv_sge * 16 + 16 <=
 *   2^rq_wqe_shift, plus the backend's limits.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |       ucontext        |          pd           |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        send_cq        |        recv_cq        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          srq          |       db_index        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |qptyp|sqsig|sqwsh|rqwsh|sqlgn|rqlgn| reserved  |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              cap (24 octets)                  |  32
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |            sq_pgdir (72 octets)               |  56
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |            rq_pgdir (72 octets)               | 128
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          qp           |          qpn          |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              cap (24 octets)                  |
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_create_qp_req - CREATE_QP request
 * @ucontext: owning user context (never XEN_VIBIF_HANDLE_NONE: it holds
 *            the doorbell page)
 * @pd: protection domain
 * @send_cq: CQ for send completions
 * @recv_cq: CQ for receive completions
 * @srq: shared receive queue or XEN_VIBIF_HANDLE_NONE
 * @db_index: doorbell bit of this QP in the user context's doorbell page,
 *            below XENIB_DB_BITS, chosen by the frontend
 * @qp_type: XEN_VIBIF_QPT_RC, _UC or _UD
 * @sq_sig_all: 1: every send WQE completes as if SIGNALED; else 0
 * @sq_wqe_shift: send slot size 2^shift, XENIB_SQ_WQE_SHIFT_MIN..MAX
 * @rq_wqe_shift: receive slot size 2^shift, XENIB_RQ_WQE_SHIFT_MIN..MAX
 * @sq_log_nslots: send queue has 2^sq_log_nslots slots
 * @rq_log_nslots: receive queue has 2^rq_log_nslots slots
 * @reserved: zero
 * @cap: requested capacities
 * @sq_pgdir: send queue buffer (type GRANT)
 * @rq_pgdir: receive queue buffer (type GRANT), empty with an SRQ
 */
struct xen_vibif_create_qp_req {
	__le32 ucontext;
	__le32 pd;
	__le32 send_cq;
	__le32 recv_cq;
	__le32 srq;
	__le32 db_index;
	__u8 qp_type;
	__u8 sq_sig_all;
	__u8 sq_wqe_shift;
	__u8 rq_wqe_shift;
	__u8 sq_log_nslots;
	__u8 rq_log_nslots;
	__le16 reserved;
	struct xen_vibif_qp_cap cap;
	struct xen_vibif_pgdir sq_pgdir;
	struct xen_vibif_pgdir rq_pgdir;
};

static_assert(sizeof(struct xen_vibif_create_qp_req) == 200);
static_assert(offsetof(struct xen_vibif_create_qp_req, srq) == 16);
static_assert(offsetof(struct xen_vibif_create_qp_req, db_index) == 20);
static_assert(offsetof(struct xen_vibif_create_qp_req, qp_type) == 24);
static_assert(offsetof(struct xen_vibif_create_qp_req, rq_log_nslots) == 29);
static_assert(offsetof(struct xen_vibif_create_qp_req, reserved) == 30);
static_assert(offsetof(struct xen_vibif_create_qp_req, cap) == 32);
static_assert(offsetof(struct xen_vibif_create_qp_req, sq_pgdir) == 56);
static_assert(offsetof(struct xen_vibif_create_qp_req, rq_pgdir) == 128);

/**
 * struct xen_vibif_create_qp_rsp - CREATE_QP response
 * @qp: the QP handle
 * @qpn: the QP number on the wire (of the backend's shadow QP), at most
 *       XEN_VIBIF_QPN_MASK
 * @cap: granted capacities
 */
struct xen_vibif_create_qp_rsp {
	__le32 qp;
	__le32 qpn;
	struct xen_vibif_qp_cap cap;
};

static_assert(sizeof(struct xen_vibif_create_qp_rsp) == 32);
static_assert(offsetof(struct xen_vibif_create_qp_rsp, cap) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_MODIFY_QP
 *   Request: struct xen_vibif_modify_qp_req.  Response: empty.  The backend
 *   applies attr_mask to its shadow QP with ib_modify_qp(); whether a
 *   combination is legal for the QP type and state transition is decided
 *   there (XEN_VIBIF_EINVAL).
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          qp           |       attr_mask       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              attr (128 octets)                |
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_modify_qp_req - MODIFY_QP request
 * @qp: the QP
 * @attr_mask: XEN_VIBIF_QP_ATTR_* bits within XEN_VIBIF_QP_ATTR_MODIFY_ALL,
 *             not zero
 * @attr: new attributes; fields not selected by @attr_mask are zero
 */
struct xen_vibif_modify_qp_req {
	__le32 qp;
	__le32 attr_mask;
	struct xen_vibif_qp_attr attr;
};

static_assert(sizeof(struct xen_vibif_modify_qp_req) == 136);
static_assert(offsetof(struct xen_vibif_modify_qp_req, attr) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_QUERY_QP
 *   Request: struct xen_vibif_query_qp_req.  Response: struct
 *   xen_vibif_query_qp_rsp: the full attribute set (the backend may fill
 *   more than attr_mask asks for), capacities and sq_sig_all.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          qp           |       attr_mask       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              attr (128 octets)                |
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              cap (24 octets)                  | 128
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |sqsig|              reserved                   | 152
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_query_qp_req - QUERY_QP request
 * @qp: the QP
 * @attr_mask: XEN_VIBIF_QP_ATTR_* bits the caller wants (a hint)
 */
struct xen_vibif_query_qp_req {
	__le32 qp;
	__le32 attr_mask;
};

static_assert(sizeof(struct xen_vibif_query_qp_req) == 8);

/**
 * struct xen_vibif_query_qp_rsp - QUERY_QP response
 * @attr: current attributes
 * @cap: current capacities
 * @sq_sig_all: as created
 * @reserved: zero
 */
struct xen_vibif_query_qp_rsp {
	struct xen_vibif_qp_attr attr;
	struct xen_vibif_qp_cap cap;
	__u8 sq_sig_all;
	__u8 reserved[7];
};

static_assert(sizeof(struct xen_vibif_query_qp_rsp) == 160);
static_assert(offsetof(struct xen_vibif_query_qp_rsp, cap) == 128);
static_assert(offsetof(struct xen_vibif_query_qp_rsp, sq_sig_all) == 152);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_CREATE_SRQ
 *   Request: struct xen_vibif_create_srq_req.  Response: struct
 *   xen_vibif_create_srq_rsp.  Only if XEN_VIBIF_DEVCAP_SRQ.  Statuses add
 *   XEN_VIBIF_EDQUOT, XEN_VIBIF_EFAULT, XEN_VIBIF_EEXIST.
 *
 *   The buffer holds the queue header and 2^log_nslots receive slots of
 *   2^wqe_shift octets (npages rule as for CREATE_QP).  Bounds: 1 <= max_wr
 *   <= 2^log_nslots, max_sge * 16 + 16 <= 2^wqe_shift, srq_limit < max_wr.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |       ucontext        |          pd           |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |       db_index        |        max_wr         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        max_sge        |       srq_limit       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |wqesh|lognr|            reserved               |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              pgdir (72 octets)                |  32
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          srq          |         srqn          |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        max_wr         |        max_sge        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_create_srq_req - CREATE_SRQ request
 * @ucontext: owning user context (never XEN_VIBIF_HANDLE_NONE)
 * @pd: protection domain
 * @db_index: doorbell bit, below XENIB_DB_BITS, unique in the ucontext
 * @max_wr: requested depth
 * @max_sge: requested SGEs per WQE
 * @srq_limit: limit event threshold, below @max_wr (0: disarmed)
 * @wqe_shift: slot size 2^shift, XENIB_RQ_WQE_SHIFT_MIN..MAX
 * @log_nslots: 2^log_nslots slots
 * @reserved: zero
 * @pgdir: SRQ buffer (type GRANT)
 */
struct xen_vibif_create_srq_req {
	__le32 ucontext;
	__le32 pd;
	__le32 db_index;
	__le32 max_wr;
	__le32 max_sge;
	__le32 srq_limit;
	__u8 wqe_shift;
	__u8 log_nslots;
	__u8 reserved[6];
	struct xen_vibif_pgdir pgdir;
};

static_assert(sizeof(struct xen_vibif_create_srq_req) == 104);
static_assert(offsetof(struct xen_vibif_create_srq_req, wqe_shift) == 24);
static_assert(offsetof(struct xen_vibif_create_srq_req, pgdir) == 32);

/**
 * struct xen_vibif_create_srq_rsp - CREATE_SRQ response
 * @srq: the SRQ handle
 * @srqn: SRQ number
 * @max_wr: granted depth
 * @max_sge: granted SGEs per WQE
 */
struct xen_vibif_create_srq_rsp {
	__le32 srq;
	__le32 srqn;
	__le32 max_wr;
	__le32 max_sge;
};

static_assert(sizeof(struct xen_vibif_create_srq_rsp) == 16);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_MODIFY_SRQ
 *   Request: struct xen_vibif_modify_srq_req.  Response: empty.
 *   Accepts attr_mask == XEN_VIBIF_SRQ_ATTR_LIMIT only (a resize is
 *   RESIZE_SRQ).
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          srq          |       attr_mask       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        max_wr         |       srq_limit       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_modify_srq_req - MODIFY_SRQ request
 * @srq: the SRQ
 * @attr_mask: XEN_VIBIF_SRQ_ATTR_* bits
 * @max_wr: zero
 * @srq_limit: new limit (XEN_VIBIF_SRQ_ATTR_LIMIT)
 */
struct xen_vibif_modify_srq_req {
	__le32 srq;
	__le32 attr_mask;
	__le32 max_wr;
	__le32 srq_limit;
};

static_assert(sizeof(struct xen_vibif_modify_srq_req) == 16);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_QUERY_SRQ
 *   Request: struct xen_vibif_handle_req.  Response: struct
 *   xen_vibif_query_srq_rsp.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        max_wr         |        max_sge        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |       srq_limit       |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_query_srq_rsp - QUERY_SRQ response
 * @max_wr: depth
 * @max_sge: SGEs per WQE
 * @srq_limit: current limit
 * @reserved: zero
 */
struct xen_vibif_query_srq_rsp {
	__le32 max_wr;
	__le32 max_sge;
	__le32 srq_limit;
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_query_srq_rsp) == 16);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_RESIZE_SRQ
 *   Request: struct xen_vibif_resize_srq_req.  Response: struct
 *   xen_vibif_resize_srq_rsp.  Only if XEN_VIBIF_DEVCAP_RESIZE_SRQ.
 *   Statuses add XEN_VIBIF_EDQUOT, XEN_VIBIF_EFAULT.
 *
 *   ibv_modify_srq() with IBV_SRQ_MAX_WR.  The guest supplies a new buffer
 *   with the SRQ's slot size (wqe_shift, as at CREATE_SRQ, else
 *   XEN_VIBIF_EINVAL) and 2^log_nslots slots, 1 <= max_wr <= 2^log_nslots
 *   (npages rule as for CREATE_QP), and stops posting to the SRQ until the
 *   response arrives.  The backend grows the shadow SRQ when max_wr is
 *   above its depth, copies the unconsumed WQEs (cons .. prod of the old
 *   header) to the same free-running indices of the new buffer, writes
 *   prod and cons of the new header, then releases the old buffer.
 *   XEN_VIBIF_EINVAL if max_wr is below the WQEs the SRQ holds (posted and
 *   not yet consumed by a message) or below the armed limit, as the RDMA
 *   core answers for a native device.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          srq          |        max_wr         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |lognr|wqesh|           reserved                |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              pgdir (72 octets)                |  16
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        max_wr         |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_resize_srq_req - RESIZE_SRQ request
 * @srq: the SRQ
 * @max_wr: new depth, at most max_srq_wr
 * @log_nslots: the new buffer has 2^log_nslots slots
 * @wqe_shift: slot size 2^wqe_shift, the SRQ's
 * @reserved: zero
 * @pgdir: the new SRQ buffer (type GRANT)
 */
struct xen_vibif_resize_srq_req {
	__le32 srq;
	__le32 max_wr;
	__u8 log_nslots;
	__u8 wqe_shift;
	__u8 reserved[6];
	struct xen_vibif_pgdir pgdir;
};

static_assert(sizeof(struct xen_vibif_resize_srq_req) == 88);
static_assert(offsetof(struct xen_vibif_resize_srq_req, log_nslots) == 8);
static_assert(offsetof(struct xen_vibif_resize_srq_req, wqe_shift) == 9);
static_assert(offsetof(struct xen_vibif_resize_srq_req, pgdir) == 16);

/**
 * struct xen_vibif_resize_srq_rsp - RESIZE_SRQ response
 * @max_wr: the granted depth, max_wr <= granted <= 2^log_nslots
 * @reserved: zero
 */
struct xen_vibif_resize_srq_rsp {
	__le32 max_wr;
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_resize_srq_rsp) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_CREATE_AH
 *   Request: struct xen_vibif_create_ah_req.  Response: struct
 *   xen_vibif_handle_rsp (the AH handle, which UD send WQEs carry).
 *   Statuses add XEN_VIBIF_EDQUOT.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          pd           |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |             ah_attr (40 octets)               |
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_create_ah_req - CREATE_AH request
 * @pd: protection domain
 * @reserved: zero
 * @ah_attr: the address vector
 */
struct xen_vibif_create_ah_req {
	__le32 pd;
	__le32 reserved;
	struct xen_vibif_ah_attr ah_attr;
};

static_assert(sizeof(struct xen_vibif_create_ah_req) == 48);
static_assert(offsetof(struct xen_vibif_create_ah_req, ah_attr) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_ATTACH_MCAST, XEN_VIBIF_OP_DETACH_MCAST
 *   Request: struct xen_vibif_mcast_req.  Response: empty.  Only if
 *   XEN_VIBIF_DEVCAP_MCAST.
 *
 *   ibv_attach_mcast()/ibv_detach_mcast() of a UD QP: the shadow QP joins
 *   or leaves the multicast group @gid (lid is the group's LID on an IB
 *   port, ignored on RoCE).  The device decides what a valid group is;
 *   destroying the QP leaves every group it joined.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          qp           |    lid    | reserved  |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                   gid (16)                    |
 * +                                               +
 * |                                               |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_mcast_req - ATTACH_MCAST and DETACH_MCAST request
 * @qp: the UD QP
 * @lid: multicast LID (IB link layer)
 * @reserved: zero
 * @gid: multicast GID, network order
 */
struct xen_vibif_mcast_req {
	__le32 qp;
	__le16 lid;
	__le16 reserved;
	__u8 gid[16];
};

static_assert(sizeof(struct xen_vibif_mcast_req) == 24);
static_assert(offsetof(struct xen_vibif_mcast_req, gid) == 8);

/*
 * --------------------------------------------------------------------------
 * XEN_VIBIF_OP_REG_MR
 *   Request: struct xen_vibif_reg_mr_req.  Response: struct
 *   xen_vibif_reg_mr_rsp.  Statuses add XEN_VIBIF_EDQUOT (quota-mr or
 *   quota-pinned-pages), XEN_VIBIF_EFAULT (a page could not be mapped),
 *   XEN_VIBIF_EOPNOTSUPP (GFN directory without feature-gfn-mr).
 *
 *   The region is [iova, iova + length) in the guest's I/O virtual address
 *   space; its first octet is at @offset in the first page of @pgdir, so
 *   @offset == (iova & 4095) and pgdir.npages == DIV_ROUND_UP(offset +
 *   length, 4096).  length > 0, iova + length does not wrap, and length is
 *   at most max_mr_size.  The backend maps every page (read-only unless an
 *   access flag needs writes) and registers them with the real device,
 *   which then DMAs straight into guest memory.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          pd           |        access         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                     iova                      |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                    length                     |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        offset         |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |              pgdir (72 octets)                |  32
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          mr           |         lkey          |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |         rkey          |       reserved        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */

/**
 * struct xen_vibif_reg_mr_req - REG_MR request
 * @pd: protection domain
 * @access: XEN_VIBIF_ACCESS_* bits
 * @iova: I/O virtual address of the first octet
 * @length: octets, > 0
 * @offset: offset of the first octet in the first page, == iova & 4095
 * @reserved: zero
 * @pgdir: the pages (type GRANT, or GFN with feature-gfn-mr)
 */
struct xen_vibif_reg_mr_req {
	__le32 pd;
	__le32 access;
	__le64 iova;
	__le64 length;
	__le32 offset;
	__le32 reserved;
	struct xen_vibif_pgdir pgdir;
};

static_assert(sizeof(struct xen_vibif_reg_mr_req) == 104);
static_assert(offsetof(struct xen_vibif_reg_mr_req, iova) == 8);
static_assert(offsetof(struct xen_vibif_reg_mr_req, length) == 16);
static_assert(offsetof(struct xen_vibif_reg_mr_req, offset) == 24);
static_assert(offsetof(struct xen_vibif_reg_mr_req, pgdir) == 32);

/**
 * struct xen_vibif_reg_mr_rsp - REG_MR response
 * @mr: the MR handle
 * @lkey: local key of the shadow MR (what WQEs carry)
 * @rkey: remote key of the shadow MR, 0 without remote access
 * @reserved: zero
 */
struct xen_vibif_reg_mr_rsp {
	__le32 mr;
	__le32 lkey;
	__le32 rkey;
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_reg_mr_rsp) == 16);

/*
 ******************************************************************************
 *                          Request and response slots
 ******************************************************************************
 */

/**
 * struct xen_vibif_req_hdr - request header
 * @id: chosen by the frontend, echoed in the response
 * @opcode: XEN_VIBIF_OP_*
 * @flags: zero
 * @reserved: zero
 */
struct xen_vibif_req_hdr {
	__le64 id;
	__le16 opcode;
	__le16 flags;
	__le32 reserved;
};

static_assert(sizeof(struct xen_vibif_req_hdr) == 16);
static_assert(offsetof(struct xen_vibif_req_hdr, opcode) == 8);
static_assert(offsetof(struct xen_vibif_req_hdr, flags) == 10);
static_assert(offsetof(struct xen_vibif_req_hdr, reserved) == 12);

/**
 * struct xen_vibif_rsp_hdr - response header
 * @id: the request's id
 * @opcode: the request's opcode
 * @reserved: zero
 * @status: XEN_VIBIF_OK or an error number
 */
struct xen_vibif_rsp_hdr {
	__le64 id;
	__le16 opcode;
	__le16 reserved;
	__le32 status;
};

static_assert(sizeof(struct xen_vibif_rsp_hdr) == 16);
static_assert(offsetof(struct xen_vibif_rsp_hdr, opcode) == 8);
static_assert(offsetof(struct xen_vibif_rsp_hdr, reserved) == 10);
static_assert(offsetof(struct xen_vibif_rsp_hdr, status) == 12);

/**
 * union xen_vibif_req_body - request bodies, by opcode
 * @raw: the body as octets; octets past the opcode's structure are zero
 * @handle: requests naming one object
 * @query_port: XEN_VIBIF_OP_QUERY_PORT
 * @query_gid: XEN_VIBIF_OP_QUERY_GID
 * @query_pkey: XEN_VIBIF_OP_QUERY_PKEY
 * @alloc_ucontext: XEN_VIBIF_OP_ALLOC_UCONTEXT
 * @alloc_pd: XEN_VIBIF_OP_ALLOC_PD
 * @create_cq: XEN_VIBIF_OP_CREATE_CQ
 * @resize_cq: XEN_VIBIF_OP_RESIZE_CQ
 * @create_qp: XEN_VIBIF_OP_CREATE_QP
 * @modify_qp: XEN_VIBIF_OP_MODIFY_QP
 * @query_qp: XEN_VIBIF_OP_QUERY_QP
 * @create_srq: XEN_VIBIF_OP_CREATE_SRQ
 * @modify_srq: XEN_VIBIF_OP_MODIFY_SRQ
 * @create_ah: XEN_VIBIF_OP_CREATE_AH
 * @reg_mr: XEN_VIBIF_OP_REG_MR
 * @resize_srq: XEN_VIBIF_OP_RESIZE_SRQ
 * @mcast: XEN_VIBIF_OP_ATTACH_MCAST, XEN_VIBIF_OP_DETACH_MCAST
 */
union xen_vibif_req_body {
	__u8 raw[XEN_VIBIF_BODY_SIZE];
	struct xen_vibif_handle_req handle;
	struct xen_vibif_port_req query_port;
	struct xen_vibif_query_gid_req query_gid;
	struct xen_vibif_query_pkey_req query_pkey;
	struct xen_vibif_alloc_ucontext_req alloc_ucontext;
	struct xen_vibif_alloc_pd_req alloc_pd;
	struct xen_vibif_create_cq_req create_cq;
	struct xen_vibif_resize_cq_req resize_cq;
	struct xen_vibif_create_qp_req create_qp;
	struct xen_vibif_modify_qp_req modify_qp;
	struct xen_vibif_query_qp_req query_qp;
	struct xen_vibif_create_srq_req create_srq;
	struct xen_vibif_modify_srq_req modify_srq;
	struct xen_vibif_create_ah_req create_ah;
	struct xen_vibif_reg_mr_req reg_mr;
	struct xen_vibif_resize_srq_req resize_srq;
	struct xen_vibif_mcast_req mcast;
};

static_assert(sizeof(union xen_vibif_req_body) == XEN_VIBIF_BODY_SIZE);

/**
 * union xen_vibif_rsp_body - response bodies, by opcode
 * @raw: the body as octets; octets past the opcode's structure are zero
 * @handle: ALLOC_UCONTEXT, ALLOC_PD, CREATE_AH
 * @query_device: XEN_VIBIF_OP_QUERY_DEVICE
 * @query_port: XEN_VIBIF_OP_QUERY_PORT
 * @query_gid: XEN_VIBIF_OP_QUERY_GID
 * @query_pkey: XEN_VIBIF_OP_QUERY_PKEY
 * @create_cq: XEN_VIBIF_OP_CREATE_CQ
 * @resize_cq: XEN_VIBIF_OP_RESIZE_CQ
 * @create_qp: XEN_VIBIF_OP_CREATE_QP
 * @query_qp: XEN_VIBIF_OP_QUERY_QP
 * @create_srq: XEN_VIBIF_OP_CREATE_SRQ
 * @query_srq: XEN_VIBIF_OP_QUERY_SRQ
 * @reg_mr: XEN_VIBIF_OP_REG_MR
 * @resize_srq: XEN_VIBIF_OP_RESIZE_SRQ
 */
union xen_vibif_rsp_body {
	__u8 raw[XEN_VIBIF_BODY_SIZE];
	struct xen_vibif_handle_rsp handle;
	struct xen_vibif_query_device_rsp query_device;
	struct xen_vibif_query_port_rsp query_port;
	struct xen_vibif_query_gid_rsp query_gid;
	struct xen_vibif_query_pkey_rsp query_pkey;
	struct xen_vibif_create_cq_rsp create_cq;
	struct xen_vibif_resize_cq_rsp resize_cq;
	struct xen_vibif_create_qp_rsp create_qp;
	struct xen_vibif_query_qp_rsp query_qp;
	struct xen_vibif_create_srq_rsp create_srq;
	struct xen_vibif_query_srq_rsp query_srq;
	struct xen_vibif_reg_mr_rsp reg_mr;
	struct xen_vibif_resize_srq_rsp resize_srq;
};

static_assert(sizeof(union xen_vibif_rsp_body) == XEN_VIBIF_BODY_SIZE);

/**
 * struct xen_vibif_request - one control ring request slot
 * @hdr: header
 * @u: body, by @hdr.opcode
 */
struct xen_vibif_request {
	struct xen_vibif_req_hdr hdr;
	union xen_vibif_req_body u;
};

static_assert(sizeof(struct xen_vibif_request) == 256);
static_assert(offsetof(struct xen_vibif_request, u) == 16);

/**
 * struct xen_vibif_response - one control ring response slot
 * @hdr: header
 * @u: body, by @hdr.opcode; all zero unless @hdr.status is XEN_VIBIF_OK
 */
struct xen_vibif_response {
	struct xen_vibif_rsp_hdr hdr;
	union xen_vibif_rsp_body u;
};

static_assert(sizeof(struct xen_vibif_response) == 256);
static_assert(offsetof(struct xen_vibif_response, u) == 16);

DEFINE_RING_TYPES(xen_vibif_cmd, struct xen_vibif_request,
		  struct xen_vibif_response);

/**
 * XEN_VIBIF_CMD_RING_SIZE - control ring slots for a ring-page-order
 * @order: ring-page-order, 0 .. XEN_VIBIF_MAX_RING_PAGE_ORDER
 */
#define XEN_VIBIF_CMD_RING_SIZE(order)					\
	__CONST_RING_SIZE(xen_vibif_cmd, XEN_VIBIF_PAGE_SIZE << (order))

static_assert(XEN_VIBIF_CMD_RING_SIZE(0) == 8);
static_assert(XEN_VIBIF_CMD_RING_SIZE(XEN_VIBIF_MAX_RING_PAGE_ORDER) == 128);

/*
 ******************************************************************************
 *                                Event ring
 ******************************************************************************
 *
 * One page, struct xen_vibif_event_page, allocated and zeroed by the
 * frontend and granted read-write to the backend (event-ring-ref).  The
 * backend produces asynchronous events, the frontend consumes them.
 *
 *   prod      free-running __le32, written only by the backend
 *   cons      free-running __le32, written only by the frontend
 *   overflow  __le32, written only by the backend: events dropped because
 *             the ring was full (prod - cons == XEN_VIBIF_EVENT_RING_SIZE)
 *   slot of index i: ring[i & (XEN_VIBIF_EVENT_RING_SIZE - 1)]
 *
 * Backend, per event:
 *   read cons once (READ_ONCE); if prod - cons is above the ring size, the
 *   frontend is broken: stop producing.  If the ring is full, increment
 *   overflow and drop the event (a dropped COMP event is still delivered
 *   later: the CQ stays armed until an event is written, see xenib-abi.h).
 *   Otherwise write ring[prod & mask], then
 *   smp_store_release(&prod, prod + 1)   [pairs with frontend acquire 1]
 *   and notify event-channel-data.  This backend notifies after every
 *   event; a frontend drains everything up to prod on each notification,
 *   so a backend MAY notify once per batch instead.
 *
 * Frontend, on the event channel:
 *   p = smp_load_acquire(&prod)          [acquire 1]
 *   if p - cons > XEN_VIBIF_EVENT_RING_SIZE: the backend is broken.
 *   copy each ring[cons & mask] to private memory, xenib_event_check() it,
 *   then smp_store_release(&cons, cons + n)  [pairs with the backend's
 *   READ_ONCE of cons before it overwrites the slot; the release orders
 *   the frontend's reads of the slots before the slot reuse]
 *   then re-read prod (smp_mb() first) to close the race with a backend
 *   that produced after the first read but notified before cons moved.
 *
 * Event, 16 octets:
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |type |code |  reserved |        handle         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |         data          |       reserved2       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 *
 *   type               handle        code                       data
 *   EVT_COMP           CQ            0                          arm seq
 *   EVT_CQ_ERR         CQ            IBEV_CQ_ERR                0
 *   EVT_QP_EVENT       QP            an IBEV_QP_* / COMM_EST /  0
 *                                    SQ_DRAINED / PATH_MIG* /
 *                                    QP_LAST_WQE_REACHED
 *   EVT_SRQ_EVENT      SRQ           IBEV_SRQ_ERR,              0
 *                                    IBEV_SRQ_LIMIT_REACHED
 *   EVT_PORT_EVENT     port number   IBEV_PORT_*, LID_CHANGE,   0
 *                                    PKEY_CHANGE, SM_CHANGE,
 *                                    CLIENT_REREGISTER,
 *                                    GID_CHANGE
 *   EVT_DEVICE_FATAL   0             IBEV_DEVICE_FATAL          0
 *
 * EVT_COMP data is the arm sequence number the backend acknowledged (the
 * CQ's arm_ack after the event), so the frontend can tell a stale event.
 */
#define XEN_VIBIF_EVENT_RING_SIZE	128

#define XEN_VIBIF_EVT_COMP		1
#define XEN_VIBIF_EVT_CQ_ERR		2
#define XEN_VIBIF_EVT_QP_EVENT		3
#define XEN_VIBIF_EVT_SRQ_EVENT		4
#define XEN_VIBIF_EVT_PORT_EVENT	5
#define XEN_VIBIF_EVT_DEVICE_FATAL	6
#define XEN_VIBIF_EVT_COUNT		7

/* Event codes (enum ib_event_type numbers). */
#define XEN_VIBIF_IBEV_CQ_ERR			0
#define XEN_VIBIF_IBEV_QP_FATAL			1
#define XEN_VIBIF_IBEV_QP_REQ_ERR		2
#define XEN_VIBIF_IBEV_QP_ACCESS_ERR		3
#define XEN_VIBIF_IBEV_COMM_EST			4
#define XEN_VIBIF_IBEV_SQ_DRAINED		5
#define XEN_VIBIF_IBEV_PATH_MIG			6
#define XEN_VIBIF_IBEV_PATH_MIG_ERR		7
#define XEN_VIBIF_IBEV_DEVICE_FATAL		8
#define XEN_VIBIF_IBEV_PORT_ACTIVE		9
#define XEN_VIBIF_IBEV_PORT_ERR			10
#define XEN_VIBIF_IBEV_LID_CHANGE		11
#define XEN_VIBIF_IBEV_PKEY_CHANGE		12
#define XEN_VIBIF_IBEV_SM_CHANGE		13
#define XEN_VIBIF_IBEV_SRQ_ERR			14
#define XEN_VIBIF_IBEV_SRQ_LIMIT_REACHED	15
#define XEN_VIBIF_IBEV_QP_LAST_WQE_REACHED	16
#define XEN_VIBIF_IBEV_CLIENT_REREGISTER	17
#define XEN_VIBIF_IBEV_GID_CHANGE		18
#define XEN_VIBIF_IBEV_COUNT			19

/**
 * struct xen_vibif_event - one event ring entry
 * @type: XEN_VIBIF_EVT_*
 * @code: XEN_VIBIF_IBEV_* matching @type (0 for XEN_VIBIF_EVT_COMP)
 * @reserved: zero
 * @handle: the object (CQ, QP or SRQ handle), the port number, or 0
 * @data: XEN_VIBIF_EVT_COMP: acknowledged arm sequence; else zero
 * @reserved2: zero
 */
struct xen_vibif_event {
	__u8 type;
	__u8 code;
	__le16 reserved;
	__le32 handle;
	__le32 data;
	__le32 reserved2;
};

static_assert(sizeof(struct xen_vibif_event) == 16);
static_assert(offsetof(struct xen_vibif_event, handle) == 4);
static_assert(offsetof(struct xen_vibif_event, data) == 8);

/**
 * struct xen_vibif_event_page - the event ring page
 * @prod: producer index, written by the backend (release)
 * @overflow: events dropped because the ring was full, backend-written
 * @pad0: zero; keeps the backend's line apart
 * @cons: consumer index, written by the frontend (release)
 * @pad1: zero; keeps the frontend's line apart
 * @reserved: zero
 * @ring: the events
 * @tail: zero, pads the page
 *
 *   octet    0: prod, overflow          (backend's cache line)
 *   octet   64: cons                    (frontend's cache line)
 *   octet  256: ring[128] of 16 octets
 *   octet 2304: unused to the page end
 */
struct xen_vibif_event_page {
	__le32 prod;
	__le32 overflow;
	__u8 pad0[56];
	__le32 cons;
	__u8 pad1[60];
	__u8 reserved[128];
	struct xen_vibif_event ring[XEN_VIBIF_EVENT_RING_SIZE];
	__u8 tail[XEN_VIBIF_PAGE_SIZE - 256 -
		  XEN_VIBIF_EVENT_RING_SIZE * 16];
};

static_assert(sizeof(struct xen_vibif_event_page) == XEN_VIBIF_PAGE_SIZE);
static_assert(offsetof(struct xen_vibif_event_page, overflow) == 4);
static_assert(offsetof(struct xen_vibif_event_page, cons) == 64);
static_assert(offsetof(struct xen_vibif_event_page, ring) == 256);

#endif /* __XEN_PUBLIC_IO_VIBIF_H__ */
