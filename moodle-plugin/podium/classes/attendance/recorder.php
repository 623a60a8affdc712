<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace mod_podium\attendance;

/**
 * Records the Podium server's attendance reports for one activity.
 *
 * Each report is kept once in `podium_reports` (a report the server sends again after a lost
 * answer is skipped) and shapes the visits in `podium_attendance`: a join opens a visit, a
 * leave closes the user's open visit with the time on stage (or records the whole visit when
 * its join never arrived). Poll answers are counted from `podium_reports` alone, so that the
 * report and the completion rule always agree.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class recorder {
    /** @var \moodle_database The database. */
    protected $db;
    /** @var int The podium instance. */
    protected $podiumid;

    /**
     * @param \moodle_database $db Moodle's database (or one with the same methods).
     * @param int $podiumid The podium instance the reports are about.
     */
    public function __construct($db, int $podiumid) {
        $this->db = $db;
        $this->podiumid = $podiumid;
    }

    /**
     * Record the checked reports of one batch (from {@see batch}), skipping those already
     * recorded: a batch the server sends again after a lost answer, or a report repeated in it.
     *
     * @param array[] $reports
     * @param int $now Seconds since the Unix epoch.
     * @return array[] The reports recorded now, in the batch's order.
     */
    public function record_batch(array $reports, int $now): array {
        $known = $this->recorded_ids(array_column($reports, 'id'));
        $recorded = [];
        foreach ($reports as $report) {
            if (isset($known[$report['id']])) {
                continue;
            }
            $known[$report['id']] = true;
            $this->store($report, $now);
            $recorded[] = $report;
        }
        return $recorded;
    }

    /**
     * Record one checked report.
     *
     * @param array $report
     * @param int $now Seconds since the Unix epoch.
     * @return bool False when this report was already recorded.
     */
    public function record(array $report, int $now): bool {
        return count($this->record_batch([$report], $now)) === 1;
    }

    /**
     * Which of these report ids are recorded already, in one query.
     *
     * @param string[] $reportids
     * @return bool[] By report id.
     */
    protected function recorded_ids(array $reportids): array {
        if (!$reportids) {
            return [];
        }
        $records = $this->db->get_records_list('podium_reports', 'reportid', array_values(array_unique($reportids)),
            '', 'reportid');
        $known = [];
        foreach ($records as $record) {
            $known[$record->reportid] = true;
        }
        return $known;
    }

    /**
     * Keep a new report and fold it into the user's visits.
     *
     * @param array $report
     * @param int $now Seconds since the Unix epoch.
     */
    protected function store(array $report, int $now): void {
        $this->db->insert_record('podium_reports', (object) [
            'podiumid' => $this->podiumid,
            'userid' => $report['user'],
            'reportid' => $report['id'],
            'type' => $report['type'],
            'pollid' => $report['poll'] ?? null,
            'timereported' => $report['at'],
            'timecreated' => $now,
        ]);
        switch ($report['type']) {
            case 'join':
                $this->insert_visit($report['user'], $report['at'], null, 0, $now);
                break;
            case 'leave':
                $visit = $this->latest_visit($report['user'], true);
                if ($visit) {
                    $visit->timeleft = max((int) $visit->timejoined, $report['at']);
                    $visit->stageseconds = $report['stageseconds'];
                    $visit->timemodified = $now;
                    $this->db->update_record('podium_attendance', $visit);
                } else {
                    $this->insert_visit($report['user'], $report['at'] - $report['seconds'], $report['at'],
                        $report['stageseconds'], $now);
                }
                break;
        }
    }

    /**
     * Add a visit.
     *
     * @param int $userid
     * @param int $joined When the user entered the room.
     * @param int|null $left When they left; null while they are in the room.
     * @param int $stageseconds Seconds on stage.
     * @param int $now Seconds since the Unix epoch.
     */
    private function insert_visit(int $userid, int $joined, ?int $left, int $stageseconds, int $now): void {
        $this->db->insert_record('podium_attendance', (object) [
            'podiumid' => $this->podiumid,
            'userid' => $userid,
            'timejoined' => $joined,
            'timeleft' => $left,
            'stageseconds' => $stageseconds,
            'timemodified' => $now,
        ]);
    }

    /**
     * The user's latest visit (only an open one when `$open`).
     *
     * @param int $userid
     * @param bool $open
     * @return \stdClass|null
     */
    protected function latest_visit(int $userid, bool $open): ?\stdClass {
        $select = 'podiumid = :podiumid AND userid = :userid' . ($open ? ' AND timeleft IS NULL' : '');
        $visits = $this->db->get_records_select('podium_attendance', $select,
            ['podiumid' => $this->podiumid, 'userid' => $userid], 'timejoined DESC, id DESC', '*', 0, 1);
        return $visits ? reset($visits) : null;
    }
}
