/*
 * wg/log.h - the exercise log: a file of framed records.
 *
 * The file is a header (magic, format version, then a LogHeader protobuf:
 * scenario name, path, hash and text, seed, start time as metadata) and a
 * sequence of records, each framed as length, CRC-32C and the bytes of one
 * wgpb.v1.Envelope. docs/LOG-FORMAT.md is the contract.
 *
 * Writer: append-only, buffered; wg_log_writer_flush() writes the buffer out
 * and fsyncs when the policy says so. Opening an existing log to continue
 * cuts a torn tail first.
 * Reader: reads the header when opening, then the records through a window
 * as big as the file up to a few MiB; checks each frame before handing it
 * out, and never decodes a frame whose CRC does not match.
 *
 * Errors: 0 or a negative code (-errno, WG_ETORN, WG_ECORRUPT, WG_EVERSION,
 * WG_ELIMIT, WG_ELOCKED from wg/error.h).
 */
#ifndef WG_LOG_H
#define WG_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WG_LOG_FORMAT_VERSION 3
/* The oldest format version the reader still reads (docs/LOG-FORMAT.md,
 * "Versioning"): a format-2 log has no rules_version (rules 1). */
#define WG_LOG_FORMAT_OLDEST 2
#define WG_LOG_MAX_RECORD (1u << 20) /* larger length fields are corrupt */

typedef struct {
    uint32_t version;
    char scenario_name[64];
    char scenario_path[512];
    uint8_t scenario_hash[32]; /* SHA-256 of the scenario file */
    char *scenario_text;       /* the file's bytes, NUL-terminated; owned */
    size_t scenario_len;
    uint64_t seed;
    char started[40]; /* ISO 8601 UTC; metadata, never a decision */
    /* WG_RULES_VERSION of the build that recorded it (1 for format 2);
     * 0 when creating: the current build's. */
    uint32_t rules_version;
} wg_log_header_t;

void wg_log_header_clear(wg_log_header_t *hdr); /* frees scenario_text */

typedef enum {
    WG_FSYNC_NEVER = 0,
    WG_FSYNC_EVERY_TURN = 1,
} wg_fsync_policy_t;

typedef struct wg_log_writer wg_log_writer_t;

/* Creates path and writes the header. A file that already holds bytes is
 * never overwritten (-EEXIST); one that another writer holds is refused
 * with WG_ELOCKED. The writer holds an advisory lock (flock LOCK_EX) on the
 * file until it is destroyed; reopen takes the same lock, so a log has one
 * writer at a time. */
int wg_log_writer_create(const char *path, const wg_log_header_t *hdr,
                         wg_fsync_policy_t policy, wg_log_writer_t **out);
/* Opens an existing log to append: the header is read into *hdr (caller
 * clears it), a torn tail is cut (*cut_bytes says how many bytes went).
 * A log of an older format version (read, never continued) is refused
 * with WG_EVERSION.
 * WG_ELOCKED, before anything is read or cut, while another writer holds
 * the log. */
int wg_log_writer_reopen(const char *path, wg_fsync_policy_t policy,
                         wg_log_header_t *hdr, uint64_t *cut_bytes,
                         wg_log_writer_t **out);
int wg_log_writer_append(wg_log_writer_t *self, const void *rec, size_t len);
/* End of a turn: write out, and fsync if the policy says so. */
int wg_log_writer_flush(wg_log_writer_t *self);
uint64_t wg_log_writer_records(const wg_log_writer_t *self);
void wg_log_writer_destroy(wg_log_writer_t **self_p); /* flushes */

typedef struct wg_log_reader wg_log_reader_t;

int wg_log_reader_open(const char *path, wg_log_reader_t **out);
const wg_log_header_t *wg_log_reader_header(const wg_log_reader_t *self);
/*
 * Next record: returns 1 with *rec and *len pointing at the record's bytes
 * (valid until the next call or destroy) and *offset at its frame's file
 * offset; 0 at a clean end; WG_ETORN when the file ends inside a frame (the
 * reader stops there; *offset says where the torn frame starts);
 * WG_ECORRUPT when a whole frame fails its CRC or its length is impossible
 * (*offset names the frame). A tail of zero bytes from a frame boundary to
 * the end is torn too (a crash after the file grew, before its data was
 * written); a length reaching past the end of the file while good frames
 * follow within it is corrupt, not torn. Errors are sticky.
 */
int wg_log_reader_next(wg_log_reader_t *self, const uint8_t **rec, size_t *len,
                       uint64_t *offset);
/* Whether the reader's buffer holds the whole file (files up to a few
 * MiB; opening reads only the header, the first record read takes in the
 * rest): then the records it hands out stay valid until destroy, and a
 * reader thread may hand them to another. */
bool wg_log_reader_whole(const wg_log_reader_t *self);
/* Moves back to the first record. */
void wg_log_reader_rewind(wg_log_reader_t *self);
/* Frames handed out (or skipped by resync) so far: after an error, the
 * index of the bad frame, counting from 0. */
uint64_t wg_log_reader_index(const wg_log_reader_t *self);
/* Size of the file as read, and the offset of its first frame. */
uint64_t wg_log_reader_size(const wg_log_reader_t *self);
uint64_t wg_log_reader_first(const wg_log_reader_t *self);
/* The header's "writer" field ("wg 0.1.0"); borrowed. */
const char *wg_log_reader_writer(const wg_log_reader_t *self);
/*
 * After WG_ECORRUPT: moves to the next frame that passes its CRC (where the
 * bad frame's length says, else the first such offset after it, searched
 * with bounded work) so that tools can report every damaged frame. Returns
 * 0 with *offset at that frame, or WG_ECORRUPT (the reader stays stopped).
 * Frames found this way are whole and checked, but what lay between was
 * lost; the verifier and replay should not resync.
 */
int wg_log_reader_resync(wg_log_reader_t *self, uint64_t *offset);
void wg_log_reader_destroy(wg_log_reader_t **self_p);

/*
 * The hash chain of a format-3 log (docs/LOG-FORMAT.md, "The seal"):
 * link_0 from the header (scenario hash, seed, rules version), then one
 * link per record: link = SHA-256(link || SHA-256(record)), over every
 * record's full bytes. A TurnResult's `chain` is the link before it; the
 * link after the last record seals the log.
 */
void wg_log_chain_genesis(const wg_log_header_t *hdr, uint8_t link[32]);
void wg_log_chain_next(uint8_t link[32], const uint8_t *rec, size_t len);
void wg_log_chain_next_digest(uint8_t link[32], const uint8_t digest[32]);
/* The offset in rec of a TurnResult's 32-byte chain, or -1 if rec holds
 * none (not a TurnResult, or no 32-byte chain). */
long wg_log_chain_offset(const uint8_t *rec, size_t len);
/* Writes link into the TurnResult record rec (the caller's copy): 0, or -1
 * if it holds no 32-byte chain. */
int wg_log_chain_patch(uint8_t *rec, size_t len, const uint8_t link[32]);
/* The link over every record appended so far (format 3): what the next
 * TurnResult appended must carry. */
void wg_log_writer_link(const wg_log_writer_t *self, uint8_t out[32]);
/* Appends a record as the adjudicator made it: in a format-3 log a
 * TurnResult gets the link over the log so far written into its chain
 * first (the adjudicator leaves it zero), in a copy the writer keeps until
 * the next call; *rec then points at it, the bytes as recorded. */
int wg_log_writer_append_made(wg_log_writer_t *self, const uint8_t **rec,
                              size_t len);

/* CRC-32C (Castagnoli), hardware where the CPU has it, else slice-by-8. */
uint32_t wg_crc32c(uint32_t crc, const void *data, size_t len);

#endif
