#ifndef KM_UI_VIEWS_H
#define KM_UI_VIEWS_H
#endif
