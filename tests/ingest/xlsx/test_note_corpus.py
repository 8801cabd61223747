"""The note reader on notes it was not written against: a hand-made corpus of the ways runners write.

Each entry is a note, the sheet's distance unit (`unit`, the unit a bare pace is per), the row's
distance when it matters (`row`, to tell a segment of the run from the whole run) and the values a
careful reader takes from it, written by hand: the run's average pace (`pace`, "m:ss/unit"), the
average heart rate (`hr`), the cadence in steps per minute (`cad`), the pace of the reps (`rep`,
"m:ss/unit") and the distance the note itself gives (`dist`, "number unit"). A field not written is
expected to be empty: a value the reader invents is as wrong as one it misses.

Scored with the language model off (the regex pass only); `pytest tests/ingest/xlsx/test_note_corpus.py -s`
prints the figure. The first 92 notes were written with the proximity reader and guided it. The next
37 were written afterwards as a held-out check: the reader got 179/185 of their fields right (96.8 %)
before the shapes they showed (rep times in seconds, `@ pace for 4 mi`, progressions, splits by lap,
warm-up distances) were added. A second held-out batch of 32 then scored 149/160 (93.1 %; 55/62 of the
values written) before its shapes (`hr:147`, `5x(1000m @ 3:40/km)`, `4 mi tempo @ 6:50`, `6 @ MP
(7:05)`, `E 8 @ 8:45`) were added. A third batch of 20 scored 97/100 (37/38 of the values written)
before pace ranges (`@ 6:45-6:50`) and `from 8:30 to 7:15` progressions were added. A fourth batch of
20 scored 97/100 (40/41 of the values written) before `tempo 5k @ 20:30 (6:36/mi)` was read. A fifth
batch of 20, written last, is left as it scored: 97/100 (43/44 of the values written); its two misses
are in `KNOWN_MISSES`. Only notes written after the reader measure how it generalises.
"""

from __future__ import annotations

import pytest

from ingest.xlsx.notes import NotesParse, notes_parse

FIELDS = ("pace", "hr", "cad", "rep", "dist")

# (note, expected); the expected dict may also hold `unit` (the sheet's, default "mi") and `row`.
CORPUS: list[tuple[str, dict]] = [
    # The log's own shapes: the semicolon triple, with or without semicolons.
    ("7:45; 152; 178; felt good, legs heavy", dict(pace="7:45/mi", hr=152, cad=178)),
    ("8:21;;182; with the group", dict(pace="8:21/mi", cad=182)),
    ("7.58; 149; 181", dict(pace="7:58/mi", hr=149, cad=181)),
    ("7:45 152 178 felt good", dict(pace="7:45/mi", hr=152, cad=178)),
    ("4:50; 150; 180", dict(unit="km", pace="4:50/km", hr=150, cad=180)),
    ("treadmill 7:33; 150; 183", dict(pace="7:33/mi", hr=150, cad=183)),
    ("10K race! 6:30; 173; 175; calf tight", dict(pace="6:30/mi", hr=173, cad=175)),
    # Units after the number.
    ("8:18 pace / 154 bpm / 178 spm great run", dict(pace="8:18/mi", hr=154, cad=178)),
    ("152 bpm", dict(hr=152)),
    ("152bpm, 180spm", dict(hr=152, cad=180)),
    ("7:45/mi 152bpm 178spm", dict(pace="7:45/mi", hr=152, cad=178)),
    ("7:58 /mile | 147 bpm | 183 spm", dict(pace="7:58/mi", hr=147, cad=183)),
    ("8:30 min/mile, heart rate 140", dict(pace="8:30/mi", hr=140)),
    ("7:20 per mile avg, HR 158", dict(pace="7:20/mi", hr=158)),
    ("9:05 a mile with the dog, hr 132", dict(pace="9:05/mi", hr=132)),
    ("5:10 min/km, 148 bpm", dict(pace="5:10/km", hr=148)),
    ("4'50\"/km, 150 bpm", dict(pace="4:50/km", hr=150)),
    ("178 steps/min, 7:40/mi", dict(pace="7:40/mi", cad=178)),
    ("felt strong (152 bpm avg)", dict(hr=152)),
    ("7:45 avg, 176 spm", dict(pace="7:45/mi", cad=176)),
    ("7:45 pase, 150 bmp", dict(pace="7:45/mi", hr=150)),
    # Labels before the number, abbreviated or spelled out.
    ("7:50/mi, HR 144, cad 185. hilly route", dict(pace="7:50/mi", hr=144, cad=185)),
    ("pace 8:05 hr 152 cadence 175 legs heavy", dict(pace="8:05/mi", hr=152, cad=175)),
    ("HR 152", dict(hr=152)),
    ("avg hr 150 felt ok", dict(hr=150)),
    ("hr avg 147, cad avg 179", dict(hr=147, cad=179)),
    ("Avg HR: 151 | Cadence: 176 | Pace: 8:02", dict(pace="8:02/mi", hr=151, cad=176)),
    ("ave pace 7:55, ave hr 149", dict(pace="7:55/mi", hr=149)),
    ("average pace 8:10/mile, average heart rate 145", dict(pace="8:10/mi", hr=145)),
    ("HR152 cad180", dict(hr=152, cad=180)),
    ("pulse 139, easy shakeout", dict(hr=139)),
    ("Heartrate 147, steps 178", dict(hr=147, cad=178)),
    ("spm 180, hr 150", dict(hr=150, cad=180)),
    ("cadence 176, hr 151", dict(hr=151, cad=176)),
    ("HR avg 155 max 178, cadence 180", dict(hr=155, cad=180)),
    ("max hr 182, avg hr 160", dict(hr=160)),
    ("HR: 152 (max 171)", dict(hr=152)),
    ("avg 7:52, avg 149", dict(pace="7:52/mi", hr=149)),
    ("pace ~8:00, hr ~150", dict(pace="8:00/mi", hr=150)),
    ("recovery jog 9:30/mi HR 128", dict(pace="9:30/mi", hr=128)),
    # Labels after the number.
    ("7:45 pace, 152 avg HR, 178 cadence", dict(pace="7:45/mi", hr=152, cad=178)),
    ("152 HR 178 cadence", dict(hr=152, cad=178)),
    ("heart rate 148 avg, cadence 176", dict(hr=148, cad=176)),
    # In parentheses.
    ("(HR 148) nice and easy", dict(hr=148)),
    ("easy run (avg HR 141, cad 174)", dict(hr=141, cad=174)),
    ("8:05/mi (HR 150, 178 spm)", dict(pace="8:05/mi", hr=150, cad=178)),
    # Words between the label and the number.
    ("avg HR was around 152", dict(hr=152)),
    ("heart rate stayed around 145 the whole way", dict(hr=145)),
    ("HR was about 150, cadence around 180", dict(hr=150, cad=180)),
    ("HR 152 and cadence 178 today, legs tired", dict(hr=152, cad=178)),
    ("Cadence was 182ish, HR 149", dict(hr=149, cad=182)),
    # Ranges: the middle of the range, rounded half up.
    ("HR 150-155, easy", dict(hr=153)),
    ("hr 140 - 146, cad 176-180", dict(hr=143, cad=178)),
    ("HR 150 to 158 on the hills", dict(hr=154)),
    # Typos and per-leg cadence.
    ("hr 151 cadance 177", dict(hr=151, cad=177)),
    ("cad 88 (per leg), HR 150", dict(hr=150, cad=176)),
    # Other languages: decimal commas, per-km paces, their words for pulse, cadence and pace.
    ("4:55/km, HR 162, 8,5 km", dict(unit="km", pace="4:55/km", hr=162, dist="8.5 km")),
    ("8,5 km easy, 5:40/km", dict(unit="km", pace="5:40/km", dist="8.5 km")),
    ("10,2 km, 5:05 min/km, Puls 150", dict(unit="km", pace="5:05/km", hr=150, dist="10.2 km")),
    ("Puls 152, Kadenz 178", dict(unit="km", hr=152, cad=178)),
    ("FC moy 155, allure 5:12/km", dict(unit="km", pace="5:12/km", hr=155)),
    ("ritmo 5:30/km, cadencia 172", dict(unit="km", pace="5:30/km", cad=172)),
    ("5,30 min/km, 145 bpm", dict(unit="km", pace="5:30/km", hr=145)),
    # Distances the note gives.
    ("Long run 16 mi, 8:20 avg, HR 145, fueling ok", dict(pace="8:20/mi", hr=145, dist="16 mi")),
    ("hilly 12k trail, pace 5:45/km, 150 HR", dict(unit="km", pace="5:45/km", hr=150, dist="12 km")),
    ("13.1 mi in 1:38:20, 7:30/mi, HR 165", dict(pace="7:30/mi", hr=165, dist="13.1 mi")),
    (
        "Nice easy 6 miler with Sam, avg pace 8:45, HR stayed low (~138)",
        dict(pace="8:45/mi", hr=138, dist="6 mi"),
    ),
    ("5.5 miles @ 8:10", dict(row=5.5, pace="8:10/mi", dist="5.5 mi")),
    (
        "ran 10 miles at 7:50 average, heart rate 151, cadence 180",
        dict(row=10.0, pace="7:50/mi", hr=151, cad=180, dist="10 mi"),
    ),
    ("parkrun 21:45, 4:21/km, HR 170", dict(unit="km", pace="4:21/km", hr=170)),
    # Splits: a list of lap paces is not the run's average.
    ("splits 7:50, 7:45, 7:38, 7:30; HR 155", dict(hr=155)),
    ("mile splits 8:01/7:55/7:49 avg 7:55", dict(pace="7:55/mi")),
    ("splits: 4:50 4:45 4:41 4:38, avg HR 160", dict(unit="km", hr=160)),
    # Reps: a pace inside a rep shape is the rep pace, not the run's average.
    ("6x800 @ 3:10 w/ 400 jog; 165; 178", dict(rep="6:22/mi", hr=165, cad=178)),
    ("4x400 @ 6:32 w/ 400 jog; 162; 174; felt good", dict(rep="6:32/mi", hr=162, cad=174)),
    ("reps at 6:05, avg HR 158", dict(rep="6:05/mi", hr=158)),
    ("mile repeats @ 6:10, avg pace 7:30", dict(rep="6:10/mi", pace="7:30/mi")),
    ("5x1k @ 4:10/km w/ 2:00 rest, HR 160", dict(unit="km", rep="4:10/km", hr=160)),
    ("intervals at 5:50 pace, hr 165", dict(rep="5:50/mi", hr=165)),
    ("8x400 in 1:32, 165 bpm", dict(rep="6:10/mi", hr=165)),
    ("800s at 3:05, 2 min jog, HR 163", dict(rep="6:12/mi", hr=163)),
    ("6 x 1 mile @ 6:05/mi, 90s jog. avg HR 161, cad 184", dict(rep="6:05/mi", hr=161, cad=184)),
    ("Tempo 3 mi @ 6:50, 8 mi total, hr 162", dict(rep="6:50/mi", hr=162, dist="8 mi")),
    ("tempo 20 min @ 6:45, avg HR 165", dict(rep="6:45/mi", hr=165)),
    ("Fartlek 10x1min hard, HR 158", dict(hr=158)),
    # Lone numbers: HR when nothing else claims it; cadence when the note already has its HR or says
    # cadence-like words (steps, turnover, stride rate) without a number of their own.
    ("felt good. 148", dict(hr=148)),
    ("easy, 141, windy", dict(hr=141)),
    ("quick turnover today, 182", dict(cad=182)),
    ("HR 150, 180", dict(hr=150, cad=180)),
    ("7:40 pace, hr 155, 181", dict(pace="7:40/mi", hr=155, cad=181)),
    # Nothing to read.
    ("legs heavy, windy", dict()),
    ("ran with 3 friends at 6am, 25°C", dict()),
    # Written after the reader was, as a held-out check (see the module's docstring).
    ("Easy 6.2 mi, avg HR 138, felt fresh", dict(hr=138, dist="6.2 mi")),
    ("HR avg: 149 bpm", dict(hr=149)),
    ("cadence ~ 174 spm", dict(cad=174)),
    ("pace: 7'52\" /mi", dict(pace="7:52/mi")),
    ("av pace 8:12", dict(pace="8:12/mi")),
    ("AHR 151", dict(hr=151)),
    ("avg. HR 146; avg. cad. 180", dict(hr=146, cad=180)),
    ("bpm avg 155", dict(hr=155)),
    ("heart rate avg was 158 and cadence avg was 176", dict(hr=158, cad=176)),
    ("7:38 average pace, 161 average heart rate, 182 average cadence", dict(pace="7:38/mi", hr=161, cad=182)),
    ("hr 165/182 (avg/max)", dict(hr=165)),
    ("10 km in 48:30 (4:51/km), HR 159", dict(unit="km", pace="4:51/km", hr=159, dist="10 km")),
    ("Pace 5'05''/km, FC 148", dict(unit="km", pace="5:05/km", hr=148)),
    ("21,1 km Halbmarathon, 4:45 min/km, Puls 168", dict(unit="km", pace="4:45/km", hr=168, dist="21.1 km")),
    ("3x2km @ 4:05/km, avg HR 162", dict(unit="km", rep="4:05/km", hr=162)),
    ("12 x 400m (85 sec) w/ 200 jog, HR 170", dict(rep="5:42/mi", hr=170)),
    ("strides after, HR 140", dict(hr=140)),
    ("easy 5 miles, 9:10 pace, 135 heart rate", dict(pace="9:10/mi", hr=135, dist="5 mi")),
    ("progression 8:30 -> 7:20, HR 150", dict(hr=150)),
    ("Mile 1 8:05, mile 2 7:58, mile 3 7:50", dict()),
    ("Cad. 178, HR 151, Pace 7:42/mi", dict(pace="7:42/mi", hr=151, cad=178)),
    ("HR=152 cad=178 pace=7:45", dict(pace="7:45/mi", hr=152, cad=178)),
    ("Heart rate: 148bpm. Cadence: 176spm.", dict(hr=148, cad=176)),
    ("ran 8k @ 5:15/km w/ Anna, HR 145-150", dict(unit="km", row=8.0, pace="5:15/km", hr=148, dist="8 km")),
    ("treadmill 1% incline, 8:00/mi, 150bpm", dict(pace="8:00/mi", hr=150)),
    ("warm up 1 mi, 4 x 1 mi @ 6:20 w/ 2:00 rest, cool down 1 mi, avg HR 158", dict(rep="6:20/mi", hr=158)),
    ("avg pace 9:45/mi (hot, 31°C), HR 155", dict(pace="9:45/mi", hr=155)),
    ("HR 142 avg / 165 max", dict(hr=142)),
    ("8:40 min per mile, cadence of 172", dict(pace="8:40/mi", cad=172)),
    ("pulse avg 141", dict(hr=141)),
    ("Recovery run. Kept it easy: 9:30/mi, 128 bpm, 170 spm.", dict(pace="9:30/mi", hr=128, cad=170)),
    ("hr 150 (chest strap)", dict(hr=150)),
    ("tempo @ 6:40 for 4 mi, hr 168", dict(rep="6:40/mi", hr=168)),
    ("Avg HR 155, avg cadence 86", dict(hr=155, cad=172)),
    ("Kadenz 176, Puls 149, 5:20/km", dict(unit="km", pace="5:20/km", hr=149, cad=176)),
    ("HF 152", dict(unit="km", hr=152)),
    ("avg heart-rate 146", dict(hr=146)),
    # A second held-out batch, written after the first was folded in.
    ("E 8 @ 8:45 avg, 141", dict(row=8.0, pace="8:45/mi", hr=141, dist="8 mi")),
    ("LR 14mi 8:32/mi HR137", dict(pace="8:32/mi", hr=137, dist="14 mi")),
    ("Avg Pace 7:51 /mi · Avg HR 152 bpm · Cadence 176 spm", dict(pace="7:51/mi", hr=152, cad=176)),
    (
        "Distance 10.01 km | Avg pace 5:02 /km | Avg heart rate 149 bpm",
        dict(unit="km", pace="5:02/km", hr=149, dist="10.01 km"),
    ),
    ("hr:147 cad:179 p:8:03", dict(pace="8:03/mi", hr=147, cad=179)),
    ("8:03/147/179", dict(pace="8:03/mi", hr=147, cad=179)),
    ("7:55 | 150 | 181 | good", dict(pace="7:55/mi", hr=150, cad=181)),
    ("Ran 5k in 24:10 (7:47/mi), HR 166", dict(pace="7:47/mi", hr=166, dist="5 km")),
    ("HRavg 144", dict(hr=144)),
    ("average HR of 150 and a cadence of 178", dict(hr=150, cad=178)),
    ("heartrate avg 139 / max 160", dict(hr=139)),
    ("5x(1000m @ 3:40/km), 2' rest, FC 172", dict(unit="km", rep="3:40/km", hr=172)),
    ("4 mi tempo @ 6:50/mi avg HR 170", dict(row=8.0, rep="6:50/mi", hr=170)),
    ("pace avg 8.05", dict(pace="8:05/mi")),
    ("8 miles, 1:06:40, 8:20 pace", dict(pace="8:20/mi", dist="8 mi")),
    ("9 mi w/ 6 @ MP (7:05)", dict(rep="7:05/mi", dist="9 mi")),
    ("HR 148 (avg), 171 (max)", dict(hr=148)),
    ("bpm: 151", dict(hr=151)),
    ("pace per km 5:25", dict(unit="km", pace="5:25/km")),
    ("5:25 min/km avg, 12,3 km, Puls Ø 142", dict(unit="km", pace="5:25/km", hr=142, dist="12.3 km")),
    ("HR: 145-ish", dict(hr=145)),
    ("cadence 180+", dict(cad=180)),
    ("HR 155 avg., cad 174 avg.", dict(hr=155, cad=174)),
    ("run/walk, 11:30/mi, HR 120", dict(pace="11:30/mi", hr=120)),
    ("Heart Rate (avg): 152", dict(hr=152)),
    ("cadence: 85 rpm", dict(cad=170)),
    ("Easy. 9:02/mi. 139bpm. 168spm. Sore calf.", dict(pace="9:02/mi", hr=139, cad=168)),
    ("avg 152bpm/178spm", dict(hr=152, cad=178)),
    ("6.5 miles in 52 min, HR ~150", dict(hr=150, dist="6.5 mi")),
    ("felt like 150ish HR", dict(hr=150)),
    ("HR was high (165) due to heat", dict(hr=165)),
    ("Schnitt 5:10/km, Puls 150", dict(unit="km", pace="5:10/km", hr=150)),
    # A third held-out batch, written after the second was folded in; scored as it came.
    ("Z2 run, HR 135-140, 9:50/mi", dict(pace="9:50/mi", hr=138)),
    ("tempo: 3 x 2 mi @ 6:45-6:50, HR 168", dict(rep="6:48/mi", hr=168)),
    ("Avg cadence: 172spm, avg HR: 143bpm, avg pace: 8:55min/mi", dict(pace="8:55/mi", hr=143, cad=172)),
    ("8.2mi @ 8:15 avg hr 148", dict(row=8.2, pace="8:15/mi", hr=148, dist="8.2 mi")),
    ("heart rate monitor says 151 avg", dict(hr=151)),
    ("shakeout 3 mi, 9:30s, hr 130", dict(pace="9:30/mi", hr=130, dist="3 mi")),
    ("HR 152/ cad 178/ 7:45", dict(pace="7:45/mi", hr=152, cad=178)),
    ("7:45 (152/178)", dict(pace="7:45/mi", hr=152, cad=178)),
    ("8 mi progression from 8:30 to 7:15", dict(dist="8 mi")),
    ("Track: 10 x 200 @ 40s, 200 jog", dict(rep="5:22/mi")),
    ("Easy 45' run, FC media 140", dict(unit="km", hr=140)),
    ("ritmo medio 5:40 min/km, pulsaciones 150", dict(unit="km", pace="5:40/km", hr=150)),
    ("pace avg 9'12\"", dict(pace="9:12/mi")),
    ("5 km @ 4:30/km in a 12 km run, HR 160", dict(unit="km", row=12.0, rep="4:30/km", hr=160, dist="12 km")),
    ("hr 161 max 179 avg cadence 181", dict(hr=161, cad=181)),
    ("1:45:00 for 13.1, HR 158", dict(hr=158)),
    ("cad was low (168)", dict(cad=168)),
    ("HR zone 2 (avg 138)", dict(hr=138)),
    ("10 x 1' on / 1' off, HR 165", dict(hr=165)),
    ("Garmin: 7:58/mi, 149 bpm avg, 177 spm avg, 1,234 ft gain", dict(pace="7:58/mi", hr=149, cad=177)),
    # A fourth held-out batch, written after the third was folded in; scored as it came.
    ("Avg HR 149 / Max HR 171 / Avg Cad 176", dict(hr=149, cad=176)),
    (
        "9.3 mi, 1:15:02, 8:04/mi, 151 avg HR, 178 avg cadence",
        dict(pace="8:04/mi", hr=151, cad=178, dist="9.3 mi"),
    ),
    ("hr ave 146", dict(hr=146)),
    ("HR: n/a (watch died), pace ~8:10", dict(pace="8:10/mi")),
    ("8:10 pace (GPS flaky), HR 150ish", dict(pace="8:10/mi", hr=150)),
    ("5 x 1 km @ 4:00, 400m jog, FC 170", dict(unit="km", rep="4:00/km", hr=170)),
    ("tempo 5k @ 20:30 (6:36/mi), HR 172", dict(rep="6:36/mi", hr=172)),
    ("easy w/ dog 10:15/mi hr 128 cad 162", dict(pace="10:15/mi", hr=128, cad=162)),
    ("HR 158 AVG", dict(hr=158)),
    ("Heart Rate Avg. 147", dict(hr=147)),
    ("147 avg heart, 176 steps", dict(hr=147, cad=176)),
    ("pulse was 142 on average", dict(hr=142)),
    ("Pace/HR/Cad: 7:58/150/180", dict(pace="7:58/mi", hr=150, cad=180)),
    ("6 miles easy, no HR", dict(dist="6 mi")),
    ("2 mi wu, 6 x 800 @ 2:55, 2 mi cd, HR 164", dict(rep="5:52/mi", hr=164)),
    ("cadence ~170s", dict(cad=170)),
    ("8:45/mi avg. HR avg 140. Cad avg 172.", dict(pace="8:45/mi", hr=140, cad=172)),
    ("7:32 min/mi pace | 162 bpm", dict(pace="7:32/mi", hr=162)),
    (
        "Steady 10k, 4:58/km, HR 155, cadence 182",
        dict(unit="km", pace="4:58/km", hr=155, cad=182, dist="10 km"),
    ),
    ("HR 139; 8.0 mi; 8:55", dict(pace="8:55/mi", hr=139, dist="8 mi")),
    # A fifth held-out batch, written last and left as it scored: its misses are marked below.
    (
        "Recovery 4 mi @ 9:40, HR 125, cadence 166",
        dict(row=4.0, pace="9:40/mi", hr=125, cad=166, dist="4 mi"),
    ),
    ("AVG PACE 8:22 AVG HR 147 AVG CADENCE 174", dict(pace="8:22/mi", hr=147, cad=174)),
    ("hr 150 avg; 168 max; 8:15 pace", dict(pace="8:15/mi", hr=150)),
    ("7:50 / mi; 153 HR; 179 SPM", dict(pace="7:50/mi", hr=153, cad=179)),
    (
        "ran the 5k loop twice (10k), 4:55 min/km, hr 158",
        dict(unit="km", pace="4:55/km", hr=158, dist="10 km"),
    ),
    ("fast finish: last mile 6:45, avg 7:40, HR 160", dict(pace="7:40/mi", hr=160)),
    ("4 x 4 min @ 5k effort (~6:00), HR 170", dict(rep="6:00/mi", hr=170)),
    ("HR avg 142 (HRM-pro)", dict(hr=142)),
    ("easy, 8:59 avg pace, 138 avg hr, 170 avg cad", dict(pace="8:59/mi", hr=138, cad=170)),
    ("Pulse 60 at rest this morning, ran 5 mi easy 9:00", dict(pace="9:00/mi", dist="5 mi")),
    ("9:12/mi avg, HR data bad", dict(pace="9:12/mi")),
    ("Cadence ~ 180, pace 7:30-7:40", dict(pace="7:35/mi", cad=180)),
    ("ran 12.5 km in 1:02:30, avg 5:00/km", dict(unit="km", pace="5:00/km", dist="12.5 km")),
    ("HR 151 avg, pace 7:55 avg, 176 cad", dict(pace="7:55/mi", hr=151, cad=176)),
    ("strides 6x20s, HR 140", dict(hr=140)),
    ("tempo 2x15min @ 6:50, HR 165", dict(rep="6:50/mi", hr=165)),
    ("HR 145 – 150", dict(hr=148)),
    ("felt flat, 161 HR on a 9:10 pace", dict(pace="9:10/mi", hr=161)),
    ("8:20, 151, 177, windy", dict(pace="8:20/mi", hr=151, cad=177)),
    ("hill reps 8x60s, HR 168, avg pace 8:40 incl. recoveries", dict(pace="8:40/mi", hr=168)),
]


# Notes the reader gets wrong, kept in the corpus (and its figure) so the gap stays visible.
KNOWN_MISSES = {
    "4 x 4 min @ 5k effort (~6:00), HR 170": "a rep pace after an effort name is taken for the average",
    "Pulse 60 at rest this morning, ran 5 mi easy 9:00": "a resting pulse is taken for the run's heart rate",
}


def _clock(seconds: int | None, unit: str | None) -> str | None:
    return f"{seconds // 60}:{seconds % 60:02d}/{unit}" if seconds is not None else None


def _got(found: NotesParse) -> dict:
    distance = None
    if getattr(found, "distance", None) is not None:
        distance = f"{found.distance:g} {found.distance_unit}"
    return {
        "pace": _clock(found.pace_s, found.pace_unit),
        "hr": found.avg_hr,
        "cad": found.cadence_spm,
        "rep": _clock(found.rep_pace_s, found.rep_pace_unit),
        "dist": distance,
    }


def _read(note: str, expected: dict) -> dict:
    return _got(notes_parse(note, default_unit=expected.get("unit", "mi"), distance=expected.get("row")))


def test_the_corpus_has_at_least_60_distinct_note_shapes():
    notes = [note for note, _ in CORPUS]
    assert len(set(notes)) == len(notes) >= 60


def test_the_regex_pass_gets_at_least_97_percent_of_the_corpus_fields_right():
    right = total = right_valued = valued = 0
    wrong = []
    for note, expected in CORPUS:
        got = _read(note, expected)
        for name in FIELDS:
            want = expected.get(name)
            total += 1
            valued += want is not None
            if got[name] == want:
                right += 1
                right_valued += want is not None
            else:
                wrong.append(f"{note!r} {name}: expected {want!r}, got {got[name]!r}")
    print(
        f"\nnote corpus, regex pass only: {right}/{total} fields right = {right / total:.2%}"
        f" ({right_valued}/{valued} written values = {right_valued / valued:.2%}; {len(CORPUS)} notes)"
    )
    assert right / total >= 0.97, "\n".join(wrong)
    assert right_valued / valued >= 0.97, "\n".join(wrong)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        pytest.param(note, expected, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[note]))
        if note in KNOWN_MISSES
        else pytest.param(note, expected)
        for note, expected in CORPUS
    ],
    ids=[note for note, _ in CORPUS],
)
def test_each_corpus_note(note, expected):
    got = _read(note, expected)
    assert got == {name: expected.get(name) for name in FIELDS}
