/* ui/frame.h - being written */
#ifndef KM_UI_FRAME_H
#define KM_UI_FRAME_H
#endif
