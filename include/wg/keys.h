/*
 * wg/keys.h - CurveZMQ key pairs and the certificate files that hold them.
 *
 * Keys are libzmq's own CURVE keys (zmq_curve_keypair): 32 bytes, written
 * as 40 characters of Z85. A seat's keys live in two files in the ZeroMQ
 * certificate format (ZPL text, the format of CZMQ's zcert and of pyzmq's
 * zmq.auth), which `wg-keygen [--dir DIR] NAME...` writes:
 *
 *   NAME.key  the secret certificate, mode 0600, kept by the team:
 *
 *       #   ****  Generated on 2026-11-28 10:08:00 UTC by wg  ****
 *       #   ZeroMQ CURVE **Secret** Certificate
 *       #   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its ...
 *
 *       metadata
 *           name = "FRA"
 *       curve
 *           public-key = "V/%YYH[un}WN>Snl:%2ckURAXv[p3Ts.7C)5mD>B"
 *           secret-key = "{<wGz7cZObg-+4CUK1:0{RNz<=v9^>(=v+&2a5O<"
 *
 *   NAME.pub  the same without secret-key ("Public Certificate"), given to
 *             whoever must recognise the seat (the director's exercise file).
 *
 * Both files are created exclusively (an existing file is never replaced)
 * and written whole; if NAME.pub cannot be created the new NAME.key is
 * removed again, so a failed call leaves no half pair.
 *
 * The names differ from CZMQ's and pyzmq's, which call the public file
 * NAME.key and the secret one NAME.key_secret; the contents are the same,
 * so either program's files load here and ours load there
 * (zmq.auth.load_certificate("FRA.key") returns both keys).
 *
 * Reading: a file is read whole (at most 64 KiB) and checked whole: every
 * line is blank, a comment ('#'), a section at column 1 or a `name = value`
 * property indented 4 spaces, the value quoted ("" or '') or bare; a
 * `curve` section holds public-key and at most one secret-key, each 40 Z85
 * characters, and a secret key must give the public key beside it. Other
 * sections (metadata) are read and ignored. An error says where and what
 * ("FRA.key:8:19: public-key must be 40 Z85 characters, found 39").
 *
 * A file that holds a secret key is refused, like ssh does, if its mode
 * grants anything to group or others (chmod 600 fixes it): on a shared
 * machine such a key may have been copied, and a copied key lets another
 * team play the seat. pyzmq writes its secret files with the umask's mode,
 * so they usually need that chmod once.
 *
 * Thread: any; no state. Errors: 0 or a negative code (-errno, or
 * WG_ECONFIG for a malformed file or name) with *err filled in.
 */
#ifndef WG_KEYS_H
#define WG_KEYS_H

#include "wg/scenario.h" /* wg_config_error_t */

#include <stdint.h>

enum {
    WG_KEY_LEN = 32,     /* bytes of a CURVE key */
    WG_KEY_Z85_LEN = 40, /* characters of its Z85 text */
    WG_KEY_NAME_MAX = 64 /* longest certificate NAME */
};

typedef struct {
    uint8_t public_key[WG_KEY_LEN];
    uint8_t secret_key[WG_KEY_LEN];
} wg_keypair_t;

/* A new key pair from libzmq (zmq_curve_keypair). -ENOTSUP if libzmq was
 * built without CURVE. */
int wg_keys_generate(wg_keypair_t *out);

/* Writes DIR/NAME.key (mode 0600) and DIR/NAME.pub (0644 less the umask);
 * dir NULL is the current directory. NAME is 1 to WG_KEY_NAME_MAX of
 * [A-Za-z0-9._-], not starting with '.' or '-'. -EEXIST if either file
 * exists (nothing is written), -ENOENT naming the directory if it does not
 * exist. */
int wg_keys_write(const char *dir, const char *name, const wg_keypair_t *kp,
                  wg_config_error_t *err);

/* Loads a secret certificate: both keys. A file without secret-key (a
 * public certificate) is an error that says so. */
int wg_keys_load_secret(const char *path, wg_keypair_t *out,
                        wg_config_error_t *err);

/* Loads the public key of a certificate, public or secret (a secret one is
 * checked as wg_keys_load_secret checks it, mode included). */
int wg_keys_load_public(const char *path, uint8_t public_key[WG_KEY_LEN],
                        wg_config_error_t *err);

/* Z85 text of a key, NUL-terminated. */
void wg_keys_to_z85(const uint8_t key[WG_KEY_LEN],
                    char out[WG_KEY_Z85_LEN + 1]);

/* Reads exactly WG_KEY_Z85_LEN Z85 characters (then a NUL); WG_ECONFIG if
 * the text is anything else. For keys written in other config files. */
int wg_keys_from_z85(const char *text, uint8_t key[WG_KEY_LEN]);

/* Zeroes a key pair (memory the compiler may not skip). */
void wg_keys_wipe(wg_keypair_t *kp);

#endif
