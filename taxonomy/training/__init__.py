"""Building the skill model (taxonomy/skill_model.py) from SkillSpan: see train_skill_model.py."""
