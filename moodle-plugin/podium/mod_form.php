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
 * The settings form of a Podium activity.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

require_once($CFG->dirroot . '/course/moodleform_mod.php');

use mod_podium\instance;

/**
 * The settings form of a Podium activity: name, description, how the stage starts, and which
 * of chat, reactions and polls the room offers.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class mod_podium_mod_form extends moodleform_mod {
    /**
     * Define the form's elements.
     */
    public function definition() {
        global $CFG;
        $mform = $this->_form;

        $mform->addElement('header', 'general', get_string('general', 'form'));
        $mform->addElement('text', 'name', get_string('name'), ['size' => '48']);
        $mform->setType('name', empty($CFG->formatstringstriptags) ? PARAM_CLEANHTML : PARAM_TEXT);
        $mform->addRule('name', null, 'required', null, 'client');
        $mform->addRule('name', get_string('maximumchars', '', 255), 'maxlength', 255, 'client');
        $this->standard_intro_elements();

        $mform->addElement('header', 'roomsection', get_string('roomsettings', 'mod_podium'));
        $mform->setExpanded('roomsection');

        $modes = [];
        foreach (instance::STAGE_MODES as $mode) {
            $modes[$mode] = get_string('stagemode_' . $mode, 'mod_podium');
        }
        $mform->addElement('select', 'stagemode', get_string('stagemode', 'mod_podium'), $modes);
        $mform->addHelpButton('stagemode', 'stagemode', 'mod_podium');
        $mform->setDefault('stagemode', instance::DEFAULT_STAGE_MODE);
        $mform->setType('stagemode', PARAM_ALPHA);

        foreach (instance::FEATURES as $name => $field) {
            $mform->addElement('advcheckbox', $field, get_string($field, 'mod_podium'),
                get_string($field . '_label', 'mod_podium'));
            $mform->setDefault($field, 1);
            $mform->setType($field, PARAM_BOOL);
        }

        $this->standard_coursemodule_elements();
        $this->add_action_buttons();
    }

    /**
     * Fill in the completion rule's checkbox, which is not stored.
     *
     * @param array $defaultvalues
     */
    public function data_preprocessing(&$defaultvalues) {
        parent::data_preprocessing($defaultvalues);
        $suffix = $this->get_suffix();
        $defaultvalues['completionminutesenabled' . $suffix] = !empty($defaultvalues['completionminutes' . $suffix]) ? 1 : 0;
        if (empty($defaultvalues['completionminutes' . $suffix])) {
            $defaultvalues['completionminutes' . $suffix] = 30;
        }
    }

    /**
     * The completion rules: attended for at least N minutes, answered a poll.
     *
     * @return string[] The elements added.
     */
    public function add_completion_rules() {
        $mform = $this->_form;
        $suffix = $this->get_suffix();

        $enabled = 'completionminutesenabled' . $suffix;
        $minutes = 'completionminutes' . $suffix;
        $group = [
            $mform->createElement('checkbox', $enabled, '', get_string('completionminutes', 'mod_podium')),
            $mform->createElement('text', $minutes, '', ['size' => 4]),
        ];
        $mform->setType($minutes, PARAM_INT);
        $groupname = 'completionminutesgroup' . $suffix;
        $mform->addGroup($group, $groupname, '', ' ', false);
        $mform->hideIf($minutes, $enabled, 'notchecked');

        $poll = 'completionpoll' . $suffix;
        $mform->addElement('advcheckbox', $poll, '', get_string('completionpoll', 'mod_podium'));

        return [$groupname, $poll];
    }

    /**
     * Whether a completion rule is on in the submitted data.
     *
     * @param array $data
     * @return bool
     */
    public function completion_rule_enabled($data) {
        $suffix = $this->get_suffix();
        return (!empty($data['completionminutesenabled' . $suffix]) && (int) $data['completionminutes' . $suffix] > 0)
            || !empty($data['completionpoll' . $suffix]);
    }

    /**
     * Turn the rules off when their boxes are not ticked or completion is not automatic.
     *
     * @param stdClass $data
     */
    public function data_postprocessing($data) {
        parent::data_postprocessing($data);
        if (!empty($data->completionunlocked)) {
            $suffix = $this->get_suffix();
            $completion = $data->{'completion' . $suffix} ?? COMPLETION_TRACKING_NONE;
            $automatic = $completion == COMPLETION_TRACKING_AUTOMATIC;
            if (empty($data->{'completionminutesenabled' . $suffix}) || !$automatic) {
                $data->{'completionminutes' . $suffix} = 0;
            }
            if (!$automatic) {
                $data->{'completionpoll' . $suffix} = 0;
            }
        }
    }

    /**
     * Check the submitted data.
     *
     * @param array $data The submitted data.
     * @param array $files The submitted files.
     * @return array Errors by element name.
     */
    public function validation($data, $files) {
        $errors = parent::validation($data, $files);
        if (isset($data['stagemode']) && !in_array($data['stagemode'], instance::STAGE_MODES, true)) {
            $errors['stagemode'] = get_string('stagemode_invalid', 'mod_podium');
        }
        $suffix = $this->get_suffix();
        if (!empty($data['completionminutesenabled' . $suffix])) {
            $minutes = (int) ($data['completionminutes' . $suffix] ?? 0);
            if ($minutes < 1 || $minutes > 1440) {
                $errors['completionminutesgroup' . $suffix] = get_string('completionminutes_invalid', 'mod_podium');
            }
        }
        return $errors;
    }
}
