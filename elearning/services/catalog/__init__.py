"""The training content as synced into the database: the sync itself and the lookups of modules, sections,
images and quizzes."""
