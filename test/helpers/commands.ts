/** Every slash command Guidebot registers, in the order it registers them. */
export const REGISTERED_COMMANDS = ['ask', 'section', 'sections', 'quote', 'quiz', 'progress', 'forget-me', 'help', 'config', 'review', 'stats', 'gaps', 'answer', 'notes', 'export', 'forget', 'guides'];
