"""Videos: the learner's own video and audio files, the moments they bookmark and what they watched.

Qt-free. Reading a file's duration, codecs and a frame needs a decoder, which only the Qt side
has (QtMultimedia ships its own FFmpeg): the actions here take those facts as plain values, or a
`probe` function handed in by the window or the command line (`app/ui/videos/probe.py`).
"""
