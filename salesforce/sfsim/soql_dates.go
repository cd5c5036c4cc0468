package sfsim

import "time"

var timeParse = time.Parse

// dateKeyword is a SOQL date literal such as TODAY or LAST_N_DAYS:n. Its
// range is [start, end) in UTC (the simulated user's time zone).
type dateKeyword struct {
	takesN bool
	rng    func(today time.Time, n int) (time.Time, time.Time)
}

func day(t time.Time, d int) time.Time { return t.AddDate(0, 0, d) }

func weekStart(today time.Time) time.Time { return day(today, -int(today.Weekday())) }

func monthStart(today time.Time) time.Time {
	return time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func quarterStart(today time.Time) time.Time {
	m := (int(today.Month())-1)/3*3 + 1
	return time.Date(today.Year(), time.Month(m), 1, 0, 0, 0, 0, time.UTC)
}

func yearStart(today time.Time) time.Time { return time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC) }

var dateKeywords = map[string]dateKeyword{
	"TODAY":     {rng: func(t time.Time, _ int) (time.Time, time.Time) { return t, day(t, 1) }},
	"YESTERDAY": {rng: func(t time.Time, _ int) (time.Time, time.Time) { return day(t, -1), t }},
	"TOMORROW":  {rng: func(t time.Time, _ int) (time.Time, time.Time) { return day(t, 1), day(t, 2) }},
	"LAST_WEEK": {rng: func(t time.Time, _ int) (time.Time, time.Time) { w := weekStart(t); return day(w, -7), w }},
	"THIS_WEEK": {rng: func(t time.Time, _ int) (time.Time, time.Time) { w := weekStart(t); return w, day(w, 7) }},
	"NEXT_WEEK": {rng: func(t time.Time, _ int) (time.Time, time.Time) { w := weekStart(t); return day(w, 7), day(w, 14) }},
	"LAST_MONTH": {rng: func(t time.Time, _ int) (time.Time, time.Time) {
		m := monthStart(t)
		return m.AddDate(0, -1, 0), m
	}},
	"THIS_MONTH": {rng: func(t time.Time, _ int) (time.Time, time.Time) { m := monthStart(t); return m, m.AddDate(0, 1, 0) }},
	"NEXT_MONTH": {rng: func(t time.Time, _ int) (time.Time, time.Time) {
		m := monthStart(t)
		return m.AddDate(0, 1, 0), m.AddDate(0, 2, 0)
	}},
	"LAST_90_DAYS": {rng: func(t time.Time, _ int) (time.Time, time.Time) { return day(t, -90), day(t, 1) }},
	"NEXT_90_DAYS": {rng: func(t time.Time, _ int) (time.Time, time.Time) { return day(t, 1), day(t, 91) }},
	"THIS_QUARTER": {rng: func(t time.Time, _ int) (time.Time, time.Time) {
		q := quarterStart(t)
		return q, q.AddDate(0, 3, 0)
	}},
	"LAST_QUARTER": {rng: func(t time.Time, _ int) (time.Time, time.Time) {
		q := quarterStart(t)
		return q.AddDate(0, -3, 0), q
	}},
	"NEXT_QUARTER": {rng: func(t time.Time, _ int) (time.Time, time.Time) {
		q := quarterStart(t)
		return q.AddDate(0, 3, 0), q.AddDate(0, 6, 0)
	}},
	"THIS_YEAR": {rng: func(t time.Time, _ int) (time.Time, time.Time) { y := yearStart(t); return y, y.AddDate(1, 0, 0) }},
	"LAST_YEAR": {rng: func(t time.Time, _ int) (time.Time, time.Time) { y := yearStart(t); return y.AddDate(-1, 0, 0), y }},
	"NEXT_YEAR": {rng: func(t time.Time, _ int) (time.Time, time.Time) {
		y := yearStart(t)
		return y.AddDate(1, 0, 0), y.AddDate(2, 0, 0)
	}},
	"LAST_N_DAYS":  {takesN: true, rng: func(t time.Time, n int) (time.Time, time.Time) { return day(t, -n), day(t, 1) }},
	"NEXT_N_DAYS":  {takesN: true, rng: func(t time.Time, n int) (time.Time, time.Time) { return day(t, 1), day(t, n+1) }},
	"N_DAYS_AGO":   {takesN: true, rng: func(t time.Time, n int) (time.Time, time.Time) { return day(t, -n), day(t, -n+1) }},
	"LAST_N_WEEKS": {takesN: true, rng: func(t time.Time, n int) (time.Time, time.Time) { w := weekStart(t); return day(w, -7*n), w }},
	"NEXT_N_WEEKS": {takesN: true, rng: func(t time.Time, n int) (time.Time, time.Time) {
		w := weekStart(t)
		return day(w, 7), day(w, 7*(n+1))
	}},
	"LAST_N_MONTHS": {takesN: true, rng: func(t time.Time, n int) (time.Time, time.Time) {
		m := monthStart(t)
		return m.AddDate(0, -n, 0), m
	}},
	"NEXT_N_MONTHS": {takesN: true, rng: func(t time.Time, n int) (time.Time, time.Time) {
		m := monthStart(t)
		return m.AddDate(0, 1, 0), m.AddDate(0, n+1, 0)
	}},
	"LAST_N_YEARS": {takesN: true, rng: func(t time.Time, n int) (time.Time, time.Time) {
		y := yearStart(t)
		return y.AddDate(-n, 0, 0), y
	}},
	"NEXT_N_YEARS": {takesN: true, rng: func(t time.Time, n int) (time.Time, time.Time) {
		y := yearStart(t)
		return y.AddDate(1, 0, 0), y.AddDate(n+1, 0, 0)
	}},
}
