// libsmbclient's types from its own header (Debian's libsmbclient-dev), and the library's
// top-level calls as function-pointer types: the library is opened (dlopen) when the first
// smb:// root is scanned, not linked, since it brings some hundred libraries with it. Each type
// must match the declaration in <libsmbclient.h> (Samba 4.17); the SMB tests exercise every one.
#include <samba-4.0/libsmbclient.h>

// SMBCCTX *smbc_new_context(void);
typedef SMBCCTX *(*trawl_smbc_new_context)(void);
// SMBCCTX *smbc_init_context(SMBCCTX *context);
typedef SMBCCTX *(*trawl_smbc_init_context)(SMBCCTX *context);
// int smbc_free_context(SMBCCTX *context, int shutdown_ctx);
typedef int (*trawl_smbc_free_context)(SMBCCTX *context, int shutdown_ctx);
// void smbc_setDebug(SMBCCTX *c, int debug);
typedef void (*trawl_smbc_set_int)(SMBCCTX *c, int value);
// void smbc_setOptionUseKerberos(SMBCCTX *c, smbc_bool b); and the other boolean options.
typedef void (*trawl_smbc_set_bool)(SMBCCTX *c, smbc_bool b);
// void smbc_setOptionSmbEncryptionLevel(SMBCCTX *c, smbc_smb_encrypt_level level);
typedef void (*trawl_smbc_set_encryption)(SMBCCTX *c, smbc_smb_encrypt_level level);
// smbc_bool smbc_setOptionProtocols(SMBCCTX *c, const char *min_proto, const char *max_proto);
typedef smbc_bool (*trawl_smbc_set_protocols)(SMBCCTX *c, const char *min_proto, const char *max_proto);
// void smbc_setOptionUserData(SMBCCTX *c, void *user_data);
typedef void (*trawl_smbc_set_user_data)(SMBCCTX *c, void *user_data);
// void *smbc_getOptionUserData(SMBCCTX *c);
typedef void *(*trawl_smbc_get_user_data)(SMBCCTX *c);
// void smbc_setFunctionAuthDataWithContext(SMBCCTX *c, smbc_get_auth_data_with_context_fn fn);
typedef void (*trawl_smbc_set_authentication)(SMBCCTX *c, smbc_get_auth_data_with_context_fn fn);
// void smbc_setConfiguration(SMBCCTX *c, const char *file): returns int in Samba 4.17.
typedef int (*trawl_smbc_set_configuration)(SMBCCTX *c, const char *file);
// smbc_open_fn smbc_getFunctionOpen(SMBCCTX *c); and the other getters, each its own type.
typedef smbc_open_fn (*trawl_smbc_get_open)(SMBCCTX *c);
typedef smbc_read_fn (*trawl_smbc_get_read)(SMBCCTX *c);
typedef smbc_lseek_fn (*trawl_smbc_get_lseek)(SMBCCTX *c);
typedef smbc_close_fn (*trawl_smbc_get_close)(SMBCCTX *c);
typedef smbc_stat_fn (*trawl_smbc_get_stat)(SMBCCTX *c);
typedef smbc_fstat_fn (*trawl_smbc_get_fstat)(SMBCCTX *c);
typedef smbc_opendir_fn (*trawl_smbc_get_opendir)(SMBCCTX *c);
typedef smbc_closedir_fn (*trawl_smbc_get_closedir)(SMBCCTX *c);
typedef smbc_readdirplus2_fn (*trawl_smbc_get_readdirplus2)(SMBCCTX *c);
typedef smbc_getxattr_fn (*trawl_smbc_get_getxattr)(SMBCCTX *c);
