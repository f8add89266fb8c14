/* Version and status strings. */
#include "hpcs_internal.h"

/* One message per code, leading with the code's name. */
static const char *const status_messages[HPCS_STATUS_COUNT] = {
    [HPCS_OK] = "HPCS_OK: success",
    [HPCS_ERR_ARG] = "HPCS_ERR_ARG: an argument is out of range or inconsistent",
    [HPCS_ERR_NULL] = "HPCS_ERR_NULL: a required pointer is NULL",
    [HPCS_ERR_EMPTY] = "HPCS_ERR_EMPTY: no valid value to reduce (empty slice)",
    [HPCS_ERR_NOMEM] = "HPCS_ERR_NOMEM: memory allocation failed",
    [HPCS_ERR_INTERNAL] = "HPCS_ERR_INTERNAL: internal error (please report)",
};
_Static_assert(sizeof status_messages / sizeof status_messages[0] == HPCS_STATUS_COUNT,
               "every status code needs a message");

HPCS_API const char *hpcs_status_str(hpcs_status status)
{
    if ((unsigned)status >= HPCS_STATUS_COUNT || status_messages[status] == NULL)
        return "HPCS_UNKNOWN: unknown status code";
    return status_messages[status];
}

HPCS_API const char *hpcs_version(void) { return HPCS_VERSION_STRING; }
