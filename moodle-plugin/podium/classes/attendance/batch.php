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

use mod_podium\token;

/**
 * The body of one attendance call, checked: the room it is about and its reports.
 *
 * ```json
 * {"room": "<site id>:<course module id>", "reports": [
 *   {"id": "…", "user": "7", "at": 1767225600, "type": "join"},
 *   {"id": "…", "user": "7", "at": 1767225900, "type": "leave", "seconds": 300, "stage_seconds": 60},
 *   {"id": "…", "user": "7", "at": 1767225700, "type": "poll_answer", "poll": 1, "choices": [0]}
 * ]}
 * ```
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class batch {
    /** @var string[] The report types. */
    const TYPES = ['join', 'leave', 'poll_answer'];
    /** @var int Most reports one call may carry. */
    const MAX_REPORTS = 1000;
    /** @var int Longest report id. */
    const MAX_ID_CHARS = 64;

    /** @var int The course module the room belongs to. */
    public $cmid;
    /** @var array[] The reports: id, user (int), at, type, and seconds, stageseconds or poll. */
    public $reports = [];

    /**
     * Use {@see self::parse()}.
     *
     * @param int $cmid
     * @param array[] $reports
     */
    protected function __construct(int $cmid, array $reports) {
        $this->cmid = $cmid;
        $this->reports = $reports;
    }

    /**
     * Read and check a call's body.
     *
     * @param string $body The raw JSON body.
     * @param string $siteid This site's id: the room must be one of this site's.
     * @return self
     * @throws \InvalidArgumentException With what is wrong.
     */
    public static function parse(string $body, string $siteid): self {
        $data = json_decode($body, true);
        if (!is_array($data) || !isset($data['room'], $data['reports'])
                || !is_string($data['room']) || !is_array($data['reports'])) {
            throw new \InvalidArgumentException('the body must be a JSON object with room and reports');
        }
        $cmid = self::cmid($data['room'], $siteid);
        if ($cmid === null) {
            throw new \InvalidArgumentException('the room is not one of this site\'s activities');
        }
        if (count($data['reports']) > self::MAX_REPORTS) {
            throw new \InvalidArgumentException('too many reports in one call');
        }
        $reports = [];
        foreach (array_values($data['reports']) as $i => $report) {
            $reports[] = self::report($report, $i);
        }
        return new self($cmid, $reports);
    }

    /**
     * The course module id of one of this site's rooms (`<site id>:<cmid>`), or null.
     *
     * @param string $room
     * @param string $siteid
     * @return int|null
     */
    public static function cmid(string $room, string $siteid): ?int {
        $prefix = $siteid . ':';
        if ($siteid === '' || strpos($room, $prefix) !== 0) {
            return null;
        }
        $cmid = substr($room, strlen($prefix));
        if (!preg_match('/^[1-9][0-9]{0,9}$/', $cmid) || $room !== token::room_id($siteid, (int) $cmid)) {
            return null;
        }
        return (int) $cmid;
    }

    /**
     * One report, checked and normalised.
     *
     * @param mixed $report
     * @param int $i Its place in the call, for the error message.
     * @return array
     * @throws \InvalidArgumentException
     */
    protected static function report($report, int $i): array {
        $bad = function (string $what) use ($i) {
            return new \InvalidArgumentException("reports[$i]: $what");
        };
        if (!is_array($report)) {
            throw $bad('not an object');
        }
        $id = $report['id'] ?? null;
        if (!is_string($id) || $id === '' || strlen($id) > self::MAX_ID_CHARS || !preg_match('/^[A-Za-z0-9_-]+$/', $id)) {
            throw $bad('id must be 1 to ' . self::MAX_ID_CHARS . ' letters, digits, - or _');
        }
        $user = $report['user'] ?? null;
        if (!is_string($user) || !preg_match('/^[1-9][0-9]{0,9}$/', $user)) {
            throw $bad('user must be a user id');
        }
        $at = $report['at'] ?? null;
        if (!is_int($at) || $at < 0) {
            throw $bad('at must be a time');
        }
        $type = $report['type'] ?? null;
        if (!in_array($type, self::TYPES, true)) {
            throw $bad('type must be one of ' . implode(', ', self::TYPES));
        }
        $clean = ['id' => $id, 'user' => (int) $user, 'at' => $at, 'type' => $type];
        if ($type === 'leave') {
            $seconds = $report['seconds'] ?? null;
            $stage = $report['stage_seconds'] ?? null;
            if (!is_int($seconds) || $seconds < 0 || !is_int($stage) || $stage < 0 || $stage > $seconds) {
                throw $bad('a leave needs seconds and stage_seconds (no more than seconds)');
            }
            $clean['seconds'] = $seconds;
            $clean['stageseconds'] = $stage;
        } else if ($type === 'poll_answer') {
            $poll = $report['poll'] ?? null;
            if (!is_int($poll) || $poll < 1) {
                throw $bad('a poll answer needs its poll');
            }
            $clean['poll'] = $poll;
        }
        return $clean;
    }
}
