/* ui/view.h - being written */
#ifndef KM_UI_VIEW_H
#define KM_UI_VIEW_H
#endif
