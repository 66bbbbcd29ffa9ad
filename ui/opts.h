#ifndef KM_UI_OPTS_H
#define KM_UI_OPTS_H
#endif
