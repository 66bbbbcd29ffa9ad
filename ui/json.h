/* ui/json.h - being written */
#ifndef KM_UI_JSON_H
#define KM_UI_JSON_H
#endif
