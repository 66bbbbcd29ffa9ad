/* ui/text.h - being written */
#ifndef KM_UI_TEXT_H
#define KM_UI_TEXT_H
#endif
