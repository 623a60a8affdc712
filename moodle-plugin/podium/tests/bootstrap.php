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

/**
 * Bootstrap for running mod_podium's pure tests without Moodle (see phpunit.xml).
 *
 * It gives the plugin's classes an autoloader, the few Moodle constants and interfaces they
 * name, and a JWT encoder: the real firebase/php-jwt when PODIUM_PHP_JWT names its src/
 * directory (for example a Moodle checkout's lib/php-jwt/src), the stand-in in
 * tests/fixtures/jwt_encoder.php otherwise. Inside Moodle this file is not used.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

define('MOODLE_INTERNAL', true);
define('PODIUM_PLUGIN_ROOT', dirname(__DIR__));

spl_autoload_register(function (string $class): void {
    $prefix = 'mod_podium\\';
    if (strpos($class, $prefix) !== 0) {
        return;
    }
    $file = PODIUM_PLUGIN_ROOT . '/classes/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require_once($file);
    }
});

$jwtsrc = getenv('PODIUM_PHP_JWT');
if ($jwtsrc !== false && $jwtsrc !== '') {
    require_once(rtrim($jwtsrc, '/') . '/JWT.php');
    define('PODIUM_JWT_LIBRARY', 'firebase/php-jwt');
} else {
    require_once(__DIR__ . '/fixtures/jwt_encoder.php');
    define('PODIUM_JWT_LIBRARY', 'stand-in');
}

// The Moodle constants the plugin's files name, with Moodle's values.
$constants = [
    'FEATURE_MOD_INTRO' => 'mod_intro',
    'FEATURE_SHOW_DESCRIPTION' => 'showdescription',
    'FEATURE_BACKUP_MOODLE2' => 'backup_moodle2',
    'FEATURE_COMPLETION_TRACKS_VIEWS' => 'completion_tracks_views',
    'FEATURE_COMPLETION_HAS_RULES' => 'completion_has_rules',
    'FEATURE_GROUPS' => 'groups',
    'FEATURE_GROUPINGS' => 'groupings',
    'FEATURE_GRADE_HAS_GRADE' => 'grade_has_grade',
    'FEATURE_GRADE_OUTCOMES' => 'outcomes',
    'FEATURE_IDNUMBER' => 'idnumber',
    'FEATURE_MOD_PURPOSE' => 'mod_purpose',
    'MOD_PURPOSE_COMMUNICATION' => 'communication',
    'CAP_ALLOW' => 1,
    'CONTEXT_COURSE' => 50,
    'CONTEXT_MODULE' => 70,
    'RISK_XSS' => 0x0004,
    'RISK_PERSONAL' => 0x0008,
    'RISK_SPAM' => 0x0010,
    'MATURITY_ALPHA' => 50,
];
foreach ($constants as $name => $value) {
    if (!defined($name)) {
        define($name, $value);
    }
}

require_once(__DIR__ . '/fixtures/moodle_stubs.php');
