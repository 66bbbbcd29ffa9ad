/* ui/fmt.h - being written */
#ifndef KM_UI_FMT_H
#define KM_UI_FMT_H
#endif
