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
 * English strings of mod_podium, the client's included.
 *
 * @package    mod_podium
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['attendance'] = 'Attendance';
$string['chatenabled'] = 'Chat';
$string['chatenabled_label'] = 'Participants can chat';
$string['client_add_option'] = 'Add option';
$string['client_answered'] = 'Answered';
$string['client_approve'] = 'Approve';
$string['client_ask_to_join_stage'] = 'Ask to join stage';
$string['client_attendee'] = 'Attendee';
$string['client_camera'] = 'Camera';
$string['client_camera_off'] = 'Turn camera off';
$string['client_camera_on'] = 'Turn camera on';
$string['client_camera_preview'] = 'Camera preview';
$string['client_cancel_request'] = 'Cancel request';
$string['client_chat'] = 'Chat';
$string['client_chat_disabled'] = 'Chat is turned off in this session.';
$string['client_chat_placeholder'] = 'Write a message';
$string['client_connecting'] = 'Connecting…';
$string['client_connection_lost'] = 'The connection to the live session was lost.';
$string['client_correct_answer'] = 'Correct answer';
$string['client_decline'] = 'Decline';
$string['client_delete_message'] = 'Delete message';
$string['client_device_in_use'] = 'Your camera or microphone is being used by another application.';
$string['client_device_not_found'] = 'No camera or microphone was found. You can still join as a viewer.';
$string['client_device_permission_denied'] = 'The browser was not allowed to use your camera or microphone. You can allow it in the browser\'s site settings, or join as a viewer.';
$string['client_end_poll'] = 'End poll';
$string['client_error_forbidden'] = 'You are not allowed to do that in this session.';
$string['client_error_invalid_token'] = 'Your entry to this session could not be checked. Reload the page to try again.';
$string['client_error_token_expired'] = 'Your entry to this session has expired. Reload the page to try again.';
$string['client_error_token_reused'] = 'This entry to the session was already used. Reload the page to try again.';
$string['client_get_ready_to_join_stage'] = 'Get ready to join the stage';
$string['client_hand_raised'] = 'Hand raised';
$string['client_invite_to_stage'] = 'Invite to stage';
$string['client_invited_to_stage'] = 'You are invited to join the stage.';
$string['client_join_as_viewer'] = 'Join as viewer';
$string['client_join_stage'] = 'Join stage';
$string['client_join_the_stage'] = 'Join the stage';
$string['client_leave_session'] = 'Leave session';
$string['client_leave_stage_by_moderator'] = 'Only a moderator can take you off the stage. You can always turn your microphone and camera off.';
$string['client_lower_all_hands'] = 'Lower all hands';
$string['client_lower_hand'] = 'Lower hand';
$string['client_message_deleted'] = 'A moderator deleted this message.';
$string['client_mic_off'] = 'Turn microphone off';
$string['client_mic_on'] = 'Turn microphone on';
$string['client_microphone'] = 'Microphone';
$string['client_microphone_level'] = 'Microphone level';
$string['client_mobile_viewer_only'] = 'On a phone or tablet you join as a viewer.';
$string['client_moderator'] = 'Moderator';
$string['client_multiple_choice'] = 'Multiple choice';
$string['client_mute'] = 'Mute';
$string['client_new_poll'] = 'New poll';
$string['client_no_camera'] = 'No camera';
$string['client_no_microphone'] = 'No microphone';
$string['client_no_speaker_choice'] = 'This browser does not let you choose a speaker: sound plays on your system\'s default output.';
$string['client_on_stage'] = 'On stage';
$string['client_option'] = 'Option';
$string['client_participants'] = 'Participants';
$string['client_poll'] = 'Poll';
$string['client_polls'] = 'Polls';
$string['client_presenter'] = 'Presenter';
$string['client_question'] = 'Question';
$string['client_quiz'] = 'Quiz';
$string['client_raise_hand'] = 'Raise hand';
$string['client_reactions'] = 'Reactions';
$string['client_reconnecting'] = 'Connection lost. Reconnecting…';
$string['client_reload'] = 'Reload';
$string['client_remove_from_session'] = 'Remove from session';
$string['client_remove_from_stage'] = 'Remove from stage';
$string['client_removed_from_session'] = 'A moderator removed you from this session.';
$string['client_replaced_elsewhere'] = 'You opened this session in another window, so it was closed here.';
$string['client_request_declined'] = 'Your request to join the stage was declined. You can ask again later.';
$string['client_request_sent'] = 'Your request to join the stage was sent to the moderators.';
$string['client_results'] = 'Results';
$string['client_send'] = 'Send';
$string['client_set_devices'] = 'Set devices';
$string['client_share_results'] = 'Share results';
$string['client_single_choice'] = 'Single choice';
$string['client_speaker'] = 'Speaker';
$string['client_stage_empty'] = 'Nobody is on stage yet.';
$string['client_stage_mode'] = 'Stage mode';
$string['client_stage_mode_invite'] = 'By invitation';
$string['client_stage_mode_open'] = 'Open';
$string['client_stage_mode_request'] = 'By request';
$string['client_stage_requests'] = 'Requests to join the stage';
$string['client_start_poll'] = 'Start poll';
$string['client_submit_answer'] = 'Submit answer';
$string['client_test_sound'] = 'Test sound';
$string['client_viewers'] = 'Viewers';
$string['client_votes'] = 'Votes';
$string['client_you'] = 'You';
$string['loading'] = 'Loading the live classroom…';
$string['modulename'] = 'Podium';
$string['modulename_help'] = 'A Podium activity is a live classroom. The teacher runs a session on a stage, with camera and microphone on, in front of an audience of viewers who watch, chat, react, raise their hand, answer polls and can be brought onto the stage.

How someone reaches the stage depends on the stage mode: in an open session anyone can join the stage; in a session by request, people ask and a moderator approves; in a session by invitation, only a moderator brings people on stage.';
$string['modulename_link'] = 'mod/podium/view';
$string['modulenameplural'] = 'Podiums';
$string['nojoin'] = 'You can see this activity, but you are not allowed to take part in its live sessions. If you think you should be, ask your teacher.';
$string['noscript'] = 'The live classroom needs JavaScript. Turn JavaScript on in your browser and reload the page.';
$string['notconfigured'] = 'This live classroom is not available yet: the site is not connected to a Podium server. Please tell your teacher or the site administrator.';
$string['notconfigured_admin'] = 'This live classroom is not available yet: the site is not connected to a Podium server. Set the Podium server\'s address and shared secret in the plugin settings: {$a}';
$string['pluginadministration'] = 'Podium administration';
$string['pluginname'] = 'Podium';
$string['podium:addinstance'] = 'Add a new Podium activity';
$string['podium:join'] = 'Take part in a Podium session';
$string['podium:moderate'] = 'Moderate a Podium session';
$string['podium:present'] = 'Join the stage of a Podium session directly';
$string['podium:view'] = 'View a Podium activity';
$string['pollsenabled'] = 'Polls and quizzes';
$string['pollsenabled_label'] = 'Moderators can run polls and quizzes';
$string['privacy:metadata:podium_attendance'] = 'When someone was in the live session of a Podium activity, as the Podium server reports it.';
$string['privacy:metadata:podium_attendance:pollanswers'] = 'How many polls and quizzes they answered.';
$string['privacy:metadata:podium_attendance:stageseconds'] = 'How long they were on stage, in seconds.';
$string['privacy:metadata:podium_attendance:timejoined'] = 'When they entered the session.';
$string['privacy:metadata:podium_attendance:timeleft'] = 'When they left the session.';
$string['privacy:metadata:podium_attendance:userid'] = 'The user who was in the session.';
$string['privacy:metadata:podium_server'] = 'To let someone take part in a live session, the activity sends their identity to the Podium server, which also keeps what they write in the chat.';
$string['privacy:metadata:podium_server:chat'] = 'The chat messages they send in the session.';
$string['privacy:metadata:podium_server:fullname'] = 'Their full name, shown to the other participants.';
$string['privacy:metadata:podium_server:language'] = 'Their language, so the room speaks it.';
$string['privacy:metadata:podium_server:picture'] = 'The address of their user picture, shown to the other participants.';
$string['privacy:metadata:podium_server:userid'] = 'Their user id on this site.';
$string['reactionsenabled'] = 'Reactions';
$string['reactionsenabled_label'] = 'Participants can send reactions';
$string['resetattendance'] = 'Delete attendance records';
$string['roomsettings'] = 'Live session';
$string['settings:secret'] = 'Shared secret';
$string['settings:secret_desc'] = 'The secret this site and the Podium server share to sign join tokens. It must be the same as the server\'s secret. Use at least 32 random characters and keep it private.';
$string['settings:server'] = 'Podium server';
$string['settings:server_desc'] = 'This site is known to the Podium server by its site id <code>{$a}</code>, which the plugin derives from the site\'s address. The server must allow this site\'s address as an origin.';
$string['settings:serverurl'] = 'Podium server address';
$string['settings:serverurl_desc'] = 'The address of the Podium server, for example https://podium.example.edu. The activity page loads the live classroom from it.';
$string['settings:tokenlifetime'] = 'Join token lifetime';
$string['settings:tokenlifetime_desc'] = 'How many seconds a join token stays valid after the activity page is opened, from {$a->min} to {$a->max}.';
$string['stagemode'] = 'Stage mode at the start';
$string['stagemode_help'] = 'How people reach the stage when a session starts. A moderator can change it during the session.

* Open: anyone can join the stage at any time.
* By request: people ask to join the stage and a moderator approves or declines.
* By invitation: only a moderator can invite someone onto the stage.

Moderators, and people allowed to present, can always join the stage directly.';
$string['stagemode_invalid'] = 'Choose one of the stage modes.';
$string['stagemode_invite'] = 'By invitation';
$string['stagemode_open'] = 'Open';
$string['stagemode_request'] = 'By request';
$string['unreachable'] = 'The Podium server cannot be reached, so the live session cannot start. Check your connection and reload the page. If it keeps happening, tell your teacher or the site administrator.';
